import type { Absent, Detected } from '@omega/hostinfo';
import { objectOf } from './sanitize-json.js';

/** What a malformed section of a report is replaced with. */
export const MALFORMED: Absent = {
  available: false,
  reason: 'the agent sent this part in a form this plugin does not read',
};

/**
 * Reads a `{ available, … }` part of a sanitized report: an absent one as it is (its reason a
 * string), a present one when `valid` accepts it, anything else as {@link MALFORMED}, so one bad
 * part never hides the rest.
 */
export function readDetected<T extends object>(
  v: unknown,
  valid: (o: Record<string, unknown>) => boolean,
): Detected<T> {
  const o = objectOf(v);
  if (!o) return MALFORMED;
  if (o.available === false)
    return { available: false, reason: typeof o.reason === 'string' ? o.reason : 'absent' };
  if (o.available === true && valid(o)) return o as Detected<T>;
  return MALFORMED;
}

/** True when `v` is a finite number. */
export const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
/** True when `v` is undefined or a finite number. */
export const optNum = (v: unknown): boolean => v === undefined || isNum(v);
/** True when `v` is a string. */
export const isStr = (v: unknown): v is string => typeof v === 'string';
/** True when `v` is undefined or a string. */
export const optStr = (v: unknown): boolean => v === undefined || typeof v === 'string';
/** True when `v` is an array whose every item is an object `item` accepts. */
export const listOf = (v: unknown, item: (o: Record<string, unknown>) => boolean): boolean =>
  Array.isArray(v) &&
  v.every((x) => {
    const o = objectOf(x);
    return o !== undefined && item(o);
  });
