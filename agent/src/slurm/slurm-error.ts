import type { SlurmErrorCode } from './slurm-error-codes.js';

/**
 * The one error type the Slurm driver throws on purpose. Check it by `code` (errors cross
 * process boundaries as plain data); `extras` hold JSON-safe details, never a credential.
 */
export class SlurmError extends Error {
  readonly code: SlurmErrorCode;
  readonly extras: Record<string, unknown>;

  constructor(code: SlurmErrorCode, message: string, extras: Record<string, unknown> = {}) {
    super(message);
    this.name = 'SlurmError';
    this.code = code;
    this.extras = extras;
  }

  /** Plain-data form, safe to log or send across IPC. */
  toJSON(): { code: SlurmErrorCode; message: string; extras: Record<string, unknown> } {
    return { code: this.code, message: this.message, extras: this.extras };
  }
}

/** Shorthand: `throw slurmError('OMEGA_ERR_SLURM_JOB_NOT_FOUND', 'No job 42.', { jobId: '42' })`. */
export function slurmError(
  code: SlurmErrorCode,
  message: string,
  extras?: Record<string, unknown>,
): SlurmError {
  return new SlurmError(code, message, extras);
}

/** True when `value` carries the given Slurm driver code (works on deserialised errors too). */
export function hasSlurmErrorCode(value: unknown, code: SlurmErrorCode): boolean {
  return typeof value === 'object' && value !== null && (value as { code?: unknown }).code === code;
}
