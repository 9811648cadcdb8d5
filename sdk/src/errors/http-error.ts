import type { ErrorCode, PluginError } from './plugin-error.js';

/** A route error: a coded error with the HTTP status the client gets. */
export interface HttpError extends PluginError {
  status: number;
}

/**
 * Makes a route error to throw from a route handler (or anything it calls): the kernel answers
 * the client with RFC 9457 problem+json — `status` (400–599), `code`, `detail` and the extra
 * members in `extras` (plain JSON, up to 4 KiB), plus the plugin's name and the request id.
 * `throw httpError(404, 'OMEGA_ERR_NOT_FOUND', 'No greeting "x".')`. Anything else a route
 * throws reaches the client only as 502 OMEGA_ERR_PLUGIN_FAILED (its message goes to the log).
 * Codes are UPPER_SNAKE, 3–64 characters: the kernel's (docs/errors.md) or the plugin's own.
 */
export function httpError(
  status: number,
  code: ErrorCode,
  detail: string,
  extras?: Record<string, unknown>,
): HttpError {
  const e = new Error(detail) as HttpError;
  e.code = code;
  e.status = status;
  if (extras !== undefined) e.extras = extras;
  return e;
}

/** One invalid field, the way Omega's problem bodies name them (`errors: [{ field, message }]`). */
export interface FieldError {
  field: string;
  message: string;
}

/**
 * A 400 OMEGA_ERR_VALIDATION route error naming the bad fields:
 * `throw invalid([{ field: 'name', message: 'must be 1–64 characters' }])`.
 */
export function invalid(errors: readonly FieldError[], detail?: string): HttpError {
  const first = errors[0];
  return httpError(
    400,
    'OMEGA_ERR_VALIDATION',
    detail ?? (first ? `Invalid input: ${first.field}: ${first.message}` : 'Invalid input.'),
    { errors },
  );
}
