import { parseIsoTime } from '@omega/sdk';

const DURATION = /^(\d+(?:\.\d+)?)(ms|s|m|h|d|w)$/;
const UNIT_MS: Record<string, number> = {
  ms: 1,
  s: 1_000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
};

/** Milliseconds of a duration such as `500ms`, `15s`, `5m`, `1h`, `7d`, or a plain number of ms; null if neither. */
export function parseDuration(text: string): number | null {
  const t = text.trim();
  if (/^\d+(\.\d+)?$/.test(t)) return Number(t);
  const m = DURATION.exec(t);
  if (!m) return null;
  return Number(m[1]) * (UNIT_MS[m[2] ?? ''] ?? Number.NaN);
}

/**
 * Epoch ms of a time given as epoch ms, an RFC 3339 time with its zone (or a bare date), `now`,
 * or `now-<duration>`;
 * null when it is none of these.
 */
export function parseTime(text: string, now: number): number | null {
  const t = text.trim();
  if (t === 'now') return now;
  if (t.startsWith('now-')) {
    const d = parseDuration(t.slice(4));
    return d === null ? null : now - d;
  }
  if (/^\d+(\.\d+)?$/.test(t)) return Math.floor(Number(t));
  const ms = parseIsoTime(t);
  return Number.isNaN(ms) ? null : ms;
}
