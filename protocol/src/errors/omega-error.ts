import { ERROR_CODES, type ErrorCode } from './error-codes.js';

/** Extra, JSON-safe members of a problem document (e.g. `field`, `permission`, `errors`). */
export type ProblemExtras = Record<string, unknown>;

/**
 * The one error type Omega throws on purpose. Check it by `code`, never `instanceof`:
 * errors cross process and isolate boundaries as plain data.
 */
export class OmegaError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly extras: ProblemExtras;

  constructor(code: ErrorCode, detail: string, extras: ProblemExtras = {}, options?: { cause?: unknown }) {
    super(detail, options);
    this.name = 'OmegaError';
    this.code = code;
    this.status = ERROR_CODES[code].status;
    this.extras = extras;
  }

  /** Plain-data form, safe to send across IPC or into an isolate. */
  toJSON(): { code: ErrorCode; message: string; extras: ProblemExtras } {
    return { code: this.code, message: this.message, extras: this.extras };
  }
}

/** Shorthand: `throw omegaError('OMEGA_ERR_NOT_FOUND', 'No node "n1".')`. */
export function omegaError(code: ErrorCode, detail: string, extras?: ProblemExtras): OmegaError {
  return new OmegaError(code, detail, extras);
}

/** True when `value` carries a known Omega error code (works on deserialised errors too). */
export function hasErrorCode(
  value: unknown,
  code?: ErrorCode,
): value is { code: ErrorCode; message: string } {
  if (typeof value !== 'object' || value === null) return false;
  const c = (value as { code?: unknown }).code;
  if (typeof c !== 'string' || !Object.hasOwn(ERROR_CODES, c)) return false;
  return code === undefined || c === code;
}
