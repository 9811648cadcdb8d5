import type { FieldError } from '@omega/sdk';
import type { PlacementStrategy } from '../contract.js';
import { parseDuration } from '../spec/parse-duration.js';

/** Most a terminate's grace may be (SIGTERM → SIGKILL), ms: the agent's own bound (it refuses more). */
export const MAX_GRACE_MS = 600_000;

/** Settings of the sessions plugin, changed through `PATCH /api/v1/sessions/settings` (docs/sessions.md). */
export interface SessionsSettings {
  /** Placement of sessions that do not say (bin-pack or spread). */
  placement: PlacementStrategy;
  /** A node that left (its agent stopped) for this long has its sessions marked lost. */
  leftLostAfterMs: number;
  /** Ended sessions are forgotten (and their logs removed on the node) after this long. */
  retentionMs: number;
  /** SIGTERM → SIGKILL grace of a terminate that names none. */
  defaultGraceMs: number;
}

/** The defaults of {@link SessionsSettings}. */
export const DEFAULT_SETTINGS: Readonly<SessionsSettings> = Object.freeze({
  placement: 'binpack',
  leftLostAfterMs: 10 * 60_000,
  retentionMs: 7 * 86_400_000,
  defaultGraceMs: 10_000,
});

/** Allowed range of each duration setting, ms. */
export const SETTING_RANGES: Readonly<
  Record<Exclude<keyof SessionsSettings, 'placement'>, readonly [number, number]>
> = {
  leftLostAfterMs: [10_000, 30 * 86_400_000],
  retentionMs: [60_000, 366 * 86_400_000],
  // An agent refuses a terminate whose grace is longer (its MAX_GRACE_MS): a longer default made
  // every terminate that named no grace fail on the node.
  defaultGraceMs: [0, MAX_GRACE_MS],
};

const KEYS = ['placement', ...Object.keys(SETTING_RANGES)] as const;

/** A duration setting as ms: an integer of ms, or a duration string (`90s`, `10m`, `7d`, `1h30m`). */
function toMs(v: unknown): number | undefined {
  if (typeof v === 'number') return Number.isInteger(v) ? v : undefined;
  if (v === '0' || v === '0s') return 0;
  const s = parseDuration(v);
  return s === undefined ? undefined : s * 1000;
}

/** Validates a (partial) settings update against `current`; answers the merged settings or the field errors. */
export function mergeSettings(
  current: SessionsSettings,
  input: Record<string, unknown>,
): { settings: SessionsSettings } | { errors: FieldError[] } {
  const errors: FieldError[] = [];
  const next: SessionsSettings = { ...current };
  for (const [k, v] of Object.entries(input)) {
    if (k === 'version') continue;
    if (k === 'placement') {
      if (v !== 'binpack' && v !== 'spread')
        errors.push({ field: 'placement', message: 'must be "binpack" or "spread"' });
      else next.placement = v;
      continue;
    }
    if (!Object.hasOwn(SETTING_RANGES, k)) {
      errors.push({ field: k.slice(0, 64), message: `is not a setting (${KEYS.join(', ')})` });
      continue;
    }
    const key = k as keyof typeof SETTING_RANGES;
    const [lo, hi] = SETTING_RANGES[key];
    const ms = toMs(v);
    if (ms === undefined || ms < lo || ms > hi) {
      errors.push({
        field: k,
        message: `must be ms (an integer) or a duration such as 10m, from ${lo} to ${hi} ms`,
      });
      continue;
    }
    next[key] = ms;
  }
  return errors.length > 0 ? { errors } : { settings: next };
}
