/**
 * The error codes of the agent's Slurm driver, in the shape of the kernel's table
 * (`kernel/errors/codes.ts`: status, title, fix) so they can be merged into it as they are.
 * The agent is a separate package and never imports the kernel; these are the constants.
 */
export interface SlurmErrorSpec {
  readonly status: number;
  readonly title: string;
  readonly fix: string;
}

/** Every code a Slurm driver call can fail with. */
export const SLURM_ERROR_CODES = {
  OMEGA_ERR_SLURM_CONFIG: {
    status: 500,
    title: 'Slurm driver misconfigured',
    fix: 'Correct the named driver option (mode, restUrl, jwtKeyFile or token, user) in the agent configuration.',
  },
  OMEGA_ERR_SLURM_UNAVAILABLE: {
    status: 503,
    title: 'Slurm unreachable',
    fix: 'Check that slurmctld (and slurmrestd in rest mode) run and are reachable from the agent, and that the Slurm client commands are installed; then retry.',
  },
  OMEGA_ERR_SLURM_AUTH: {
    status: 502,
    title: 'Slurm refused the credentials',
    fix: 'Check that the JWT key file is the cluster’s jwt_key (or the token is current) and that the token user matches the configured user; slurmrestd answers a bad token with 500, not 401.',
  },
  OMEGA_ERR_SLURM_REFUSED: {
    status: 422,
    title: 'Slurm refused the job',
    fix: 'Read `slurmError`: the request exceeds a partition or node limit (cores, memory, GPUs, time) or names an unknown partition; ask for less or another partition.',
  },
  OMEGA_ERR_SLURM_JOB_NOT_FOUND: {
    status: 404,
    title: 'Slurm job not found',
    fix: 'Check the job id; Slurm forgets finished jobs after MinJobAge (default 300 s) unless accounting keeps them.',
  },
  OMEGA_ERR_SLURM_JOB_STATE: {
    status: 409,
    title: 'Slurm job in the wrong state',
    fix: 'The operation does not apply to the job’s current state (e.g. suspend a pending job, resume a running one); read the status and retry when it applies.',
  },
  OMEGA_ERR_SLURM_NOT_OWNER: {
    status: 403,
    title: 'Slurm job belongs to another user',
    fix: 'This driver acts only on jobs of its configured user; use a driver configured for the job’s owner.',
  },
  OMEGA_ERR_SLURM_COMMAND_FAILED: {
    status: 502,
    title: 'Slurm command failed',
    fix: 'Read `command` and `slurmError` (the first error line it printed); fix the Slurm-side cause (permissions: suspend/resume need root or the SlurmUser) and retry.',
  },
  OMEGA_ERR_SLURM_PROTOCOL: {
    status: 502,
    title: 'Unexpected answer from Slurm',
    fix: 'The answer could not be parsed; check that slurmrestd serves openapi/v0.0.38 and the client commands are Slurm 22.05 or later.',
  },
  OMEGA_ERR_SLURM_LOG_UNAVAILABLE: {
    status: 409,
    title: 'Job output not readable',
    fix: 'The job’s output file is not on a file system the agent can read, is not a regular file owned by the job’s user, or uses a filename pattern the driver does not expand; run the agent on a host that shares the job’s working directory.',
  },
} as const satisfies Record<string, SlurmErrorSpec>;

/** A code of the Slurm driver, or the shared input-validation code the kernel already defines. */
export type SlurmErrorCode = keyof typeof SLURM_ERROR_CODES | 'OMEGA_ERR_VALIDATION';
