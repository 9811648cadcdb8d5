import { hasErrorCode, OmegaError, omegaError } from '@omega/protocol';
import type { SlurmErrorCode } from './slurm-error-codes.js';

/**
 * The one error type the Slurm driver throws on purpose: the protocol's OmegaError (check it
 * by `code`; `extras` hold JSON-safe details, never a credential).
 */
export const SlurmError = OmegaError;
/** An error of the Slurm driver. */
export type SlurmError = OmegaError;

/** Shorthand: `throw slurmError('OMEGA_ERR_SLURM_JOB_NOT_FOUND', 'No job 42.', { jobId: '42' })`. */
export function slurmError(
  code: SlurmErrorCode,
  message: string,
  extras?: Record<string, unknown>,
): OmegaError {
  return omegaError(code, message, extras);
}

/** True when `value` carries the given Slurm driver code (works on deserialised errors too). */
export function hasSlurmErrorCode(value: unknown, code: SlurmErrorCode): boolean {
  return hasErrorCode(value, code);
}
