import type { SlurmErrorCode } from './slurm-error-codes.js';

/** What a Slurm operation was doing when it failed: a refused submission is the caller's business. */
export type SlurmOperation = 'submit' | 'job' | 'control' | 'read';

/** Slurm error numbers (slurm_errno.h, 22.05) that decide the code on their own. */
const BY_NUMBER: Record<number, SlurmErrorCode> = {
  2017: 'OMEGA_ERR_SLURM_JOB_NOT_FOUND', // ESLURM_INVALID_JOB_ID
  2020: 'OMEGA_ERR_SLURM_JOB_STATE', // ESLURM_TRANSITION_STATE_NO_UPDATE: can not be altered now
  2021: 'OMEGA_ERR_SLURM_JOB_STATE', // ESLURM_ALREADY_DONE: already completing or completed
  2024: 'OMEGA_ERR_SLURM_JOB_STATE', // ESLURM_JOB_PENDING
  2077: 'OMEGA_ERR_SLURM_JOB_STATE', // ESLURM_JOB_SUSPENDED
  2085: 'OMEGA_ERR_SLURM_JOB_STATE', // ESLURM_JOB_NOT_RUNNING
  2086: 'OMEGA_ERR_SLURM_JOB_STATE', // ESLURM_JOB_NOT_PENDING_NOR_RUNNING
  2087: 'OMEGA_ERR_SLURM_JOB_STATE', // ESLURM_JOB_NOT_SUSPENDED
};

const BY_TEXT: [RegExp, SlurmErrorCode][] = [
  [/Invalid job id specified/i, 'OMEGA_ERR_SLURM_JOB_NOT_FOUND'],
  [
    /already completing or completed|Job is pending execution|Job is not running|Job is not pending nor running|Job is not suspended|Job is current suspended|can not be altered now/i,
    'OMEGA_ERR_SLURM_JOB_STATE',
  ],
  [
    /Unable to contact slurm controller|Communication connection failure|Connection refused|Socket timed out/i,
    'OMEGA_ERR_SLURM_UNAVAILABLE',
  ],
  [
    /authentication|credential|Munge|auth\/jwt|Invalid user id|Protocol authentication error|Zero Bytes were transmitted/i,
    'OMEGA_ERR_SLURM_AUTH',
  ],
];

/**
 * The Omega code for a Slurm failure, from its error number (REST) or its message (CLI).
 * Job-state, missing-job, connection and credential failures keep their meaning everywhere;
 * anything else is a refusal when submitting and a failed command otherwise.
 */
export function classifySlurmFailure(
  op: SlurmOperation,
  message: string,
  errorNumber?: number,
): SlurmErrorCode {
  if (errorNumber !== undefined) {
    const byNumber = BY_NUMBER[errorNumber];
    if (byNumber) return byNumber;
  }
  for (const [re, code] of BY_TEXT) if (re.test(message)) return code;
  return op === 'submit' ? 'OMEGA_ERR_SLURM_REFUSED' : 'OMEGA_ERR_SLURM_COMMAND_FAILED';
}
