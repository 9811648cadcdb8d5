/** Bounds of {@link sanitizeJson}. */
export interface SanitizeBounds {
  /** Deepest nesting kept (deeper values become null). */
  depth: number;
  /** Longest string kept (longer ones are cut). */
  stringChars: number;
  /** Most items of one array, and keys of one object, kept. */
  items: number;
}

const DEFAULT_BOUNDS: SanitizeBounds = { depth: 10, stringChars: 256, items: 512 };
const KEY = /^[A-Za-z0-9_.:-]{1,64}$/;

/**
 * A copy of untrusted JSON (an agent's report) that is safe to hold and serve: plain objects,
 * arrays, finite numbers, booleans, null and bounded strings only; keys limited to identifiers
 * (no `__proto__`), depth, lengths and counts bounded. What does not fit is dropped, never
 * invented: a NaN or an infinite number is left out like an absent figure.
 */
export function sanitizeJson(value: unknown, bounds: SanitizeBounds = DEFAULT_BOUNDS, depth = 0): unknown {
  if (value === null || typeof value === 'boolean') return value;
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value === 'string')
    return value.length > bounds.stringChars ? value.slice(0, bounds.stringChars) : value;
  if (depth >= bounds.depth) return null;
  if (Array.isArray(value)) {
    const out: unknown[] = [];
    for (const v of value.slice(0, bounds.items)) {
      const s = sanitizeJson(v, bounds, depth + 1);
      if (s !== undefined) out.push(s);
    }
    return out;
  }
  if (typeof value === 'object') {
    const out: Record<string, unknown> = {};
    let n = 0;
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      if (n >= bounds.items) break;
      if (!KEY.test(k) || k === '__proto__' || k === 'constructor' || k === 'prototype') continue;
      const s = sanitizeJson(v, bounds, depth + 1);
      if (s === undefined) continue;
      out[k] = s;
      n++;
    }
    return out;
  }
  return undefined;
}

/** `v` when it is a plain object, else undefined. */
export const objectOf = (v: unknown): Record<string, unknown> | undefined =>
  v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;

/** `v` when it is a finite number, else undefined. */
export const numberOf = (v: unknown): number | undefined =>
  typeof v === 'number' && Number.isFinite(v) ? v : undefined;

/** `v` when it is a string, else undefined. */
export const stringOf = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/** `v` when it is an array, else an empty one. */
export const arrayOf = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

/** The data of a `{ available: true, … }` object, or undefined when absent or malformed. */
export const presentOf = (v: unknown): Record<string, unknown> | undefined => {
  const o = objectOf(v);
  return o && o.available === true ? o : undefined;
};
