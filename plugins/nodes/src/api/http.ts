import {
  checkWriteVersion,
  type FieldError,
  ISO_TIME_HINT,
  invalid,
  isoTime,
  json,
  type PluginResponse,
  parseIsoTime,
} from '@omega/sdk';

/** 200 (or `status`) with a JSON body, never cached. */
export const ok = (body: unknown, status = 200): PluginResponse =>
  json(status, body, { 'cache-control': 'no-store' });

/** The request body as an object, or a 400 naming it (the sdk's, shared with every plugin's routes). */
export { bodyObject } from '@omega/sdk';

/** Throws a 400 when there are field errors. */
export function check(errors: FieldError[]): void {
  if (errors.length > 0) throw invalid(errors);
}

/** A required reason (1–512 characters) from `body.reason`. */
export function reasonOf(body: Record<string, unknown>, required = true): string | undefined {
  const r = body.reason;
  if (r === undefined && !required) return undefined;
  if (typeof r !== 'string' || r.trim().length === 0 || r.length > 512)
    throw invalid([{ field: 'reason', message: 'a reason of 1–512 characters is required' }]);
  return r.trim();
}

/** The optional `version` of a write to `what` (`Node n1`): the sdk's 400 when malformed, 409 when not the current one. */
export function checkVersion(body: Record<string, unknown>, current: number, what: string): void {
  checkWriteVersion(body.version, current, { name: what });
}

/** Parses `1h`, `30m`, `90s`, `2d` or a number of seconds into ms; undefined when it is none. */
export function parseDuration(v: unknown): number | undefined {
  if (typeof v === 'number') return Number.isFinite(v) && v > 0 ? Math.round(v * 1000) : undefined;
  if (typeof v !== 'string') return undefined;
  const m = /^(\d{1,9})\s*(s|m|h|d)?$/.exec(v.trim());
  if (!m) return undefined;
  const unit = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 }[(m[2] ?? 's') as 's' | 'm' | 'h' | 'd'];
  return Number(m[1]) * unit;
}

/** Parses an optional deadline (ISO time or epoch ms) that must be in the future, within a year. */
export function deadlineOf(body: Record<string, unknown>, now: number): string | undefined {
  const d = body.deadline;
  if (d === undefined || d === null) return undefined;
  const ms = typeof d === 'number' ? d : typeof d === 'string' ? parseIsoTime(d) : Number.NaN;
  if (!Number.isFinite(ms) || ms <= now || ms > now + 366 * 86_400_000)
    throw invalid([
      { field: 'deadline', message: `must be ${ISO_TIME_HINT} or epoch ms, in the future, within a year` },
    ]);
  return isoTime(ms);
}
