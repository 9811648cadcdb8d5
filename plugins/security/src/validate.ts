import { refuse } from './http.js';

type Obj = Record<string, unknown>;

/** The body as an object, or 400. */
export function objectBody(body: unknown): Obj {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    refuse(400, 'OMEGA_ERR_VALIDATION', 'The body must be a JSON object.', {
      errors: [{ field: '(body)', message: 'must be an object' }],
    });
  }
  return body as Obj;
}

const bad = (field: string, message: string): never =>
  refuse(400, 'OMEGA_ERR_VALIDATION', `Invalid body: ${field}: ${message}`, { errors: [{ field, message }] });

/** A required string field of 1–`max` characters (matching `re` when given). */
export function str(o: Obj, field: string, max: number, re?: RegExp): string {
  const v = o[field];
  if (typeof v !== 'string' || v.length === 0 || v.length > max)
    return bad(field, `a string of 1–${max} characters`);
  if (re && !re.test(v)) return bad(field, `must match ${re.source}`);
  return v;
}

/** An optional string field. */
export function optStr(o: Obj, field: string, max: number, re?: RegExp): string | undefined {
  return o[field] === undefined ? undefined : str(o, field, max, re);
}

/** An optional boolean field. */
export function optBool(o: Obj, field: string): boolean | undefined {
  const v = o[field];
  if (v === undefined) return undefined;
  if (typeof v !== 'boolean') return bad(field, 'a boolean');
  return v;
}

/** An optional integer field within [min, max]. */
export function optInt(o: Obj, field: string, min: number, max: number): number | undefined {
  const v = o[field];
  if (v === undefined) return undefined;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max)
    return bad(field, `an integer ${min}–${max}`);
  return v;
}

/** An optional array of strings, each matching `re`, at most `max` items. */
export function optStrings(o: Obj, field: string, re: RegExp, max = 128): string[] | undefined {
  const v = o[field];
  if (v === undefined) return undefined;
  if (!Array.isArray(v) || v.length > max || !v.every((s) => typeof s === 'string' && re.test(s))) {
    return bad(field, `an array of at most ${max} strings matching ${re.source}`);
  }
  return [...new Set(v as string[])];
}

/**
 * A path parameter naming a stored record (id or role name): 1–128 characters without control
 * characters, or 400 naming it — storage would refuse it anyway, as a plugin failure (502).
 */
export function keyParam(params: Record<string, string | undefined>, field: string): string {
  const v = params[field] ?? '';
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it refuses
  if (v.length === 0 || v.length > 128 || /[\u0000-\u001f\u007f-\u009f]/.test(v)) {
    refuse(
      400,
      'OMEGA_ERR_VALIDATION',
      `Invalid path parameter: ${field}: 1–128 characters, no control characters`,
      {
        errors: [{ field, message: '1–128 characters, no control characters' }],
      },
    );
  }
  return v;
}

/** Refuses fields other than `allowed` (typos must not be silently ignored). */
export function onlyFields(o: Obj, allowed: readonly string[]): void {
  for (const k of Object.keys(o)) if (!allowed.includes(k)) bad(k, 'unknown field');
}

/** An RBAC permission pattern: `*`, or `segment(:segment)+` where a segment is a name or `*`. */
export const PERMISSION_RE = /^(\*|([a-z][a-z0-9-]*|\*)(:([a-z][a-z0-9-]*|\*))+)$/;
/** A username: 1–64 of letters, digits, `.`, `_`, `-`, `@`. */
export const USERNAME_RE = /^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$/;
/**
 * The shape of a user id (`u-` and 16 base64url characters, as createUser makes them), in any
 * case: no username may have it, and a text of it is read as an id, never as a name. A user named
 * like another's id merged their audit entries under `?actor=` (review).
 */
export const USER_ID_SHAPE = /^u-[A-Za-z0-9_-]{16}$/i;
/** A role name. */
export const ROLE_RE = /^[a-z][a-z0-9-]{1,39}$/;
