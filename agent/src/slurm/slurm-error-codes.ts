import type { ErrorCode } from '@omega/protocol';

/**
 * A code of the Slurm driver (each in @omega/protocol's one error catalogue, documented in
 * docs/errors.md), or the shared input-validation code.
 */
export type SlurmErrorCode = Extract<ErrorCode, `OMEGA_ERR_SLURM_${string}`> | 'OMEGA_ERR_VALIDATION';
