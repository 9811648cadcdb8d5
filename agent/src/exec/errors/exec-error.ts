import { EXEC_ERROR_CODES, type ExecErrorCode } from './exec-error-codes.js';

/** Extra, JSON-safe members of an executor error (e.g. `field`, `errors`, `stage`, `errno`). */
export type ExecErrorExtras = Record<string, unknown>;

/**
 * The one error type the executor throws on purpose. Check it by `code`, never `instanceof`:
 * the agent forwards it to the kernel as plain data.
 */
export class ExecError extends Error {
  readonly code: ExecErrorCode;
  readonly status: number;
  readonly extras: ExecErrorExtras;

  constructor(
    code: ExecErrorCode,
    detail: string,
    extras: ExecErrorExtras = {},
    options?: { cause?: unknown },
  ) {
    super(detail, options);
    this.name = 'ExecError';
    this.code = code;
    this.status = EXEC_ERROR_CODES[code].status;
    this.extras = extras;
  }

  /** Plain-data form, safe to send to the kernel. */
  toJSON(): { code: ExecErrorCode; message: string; extras: ExecErrorExtras } {
    return { code: this.code, message: this.message, extras: this.extras };
  }
}

/** Shorthand: `throw execError('OMEGA_ERR_EXEC_NOT_FOUND', 'No session "s1".')`. */
export function execError(
  code: ExecErrorCode,
  detail: string,
  extras?: ExecErrorExtras,
  cause?: unknown,
): ExecError {
  return new ExecError(code, detail, extras, cause === undefined ? undefined : { cause });
}

/** True when `value` carries a known executor error code (works on deserialised errors too). */
export function hasExecErrorCode(value: unknown, code?: ExecErrorCode): value is { code: ExecErrorCode } {
  if (typeof value !== 'object' || value === null) return false;
  const c = (value as { code?: unknown }).code;
  if (typeof c !== 'string' || !Object.hasOwn(EXEC_ERROR_CODES, c)) return false;
  return code === undefined || c === code;
}
