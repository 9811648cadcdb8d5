import type { SessionState } from './slurm-driver.js';

/**
 * Every job state string Slurm 22.05 reports (`job_state_string`: the flag names it shows
 * first, then the base states) and Omega's state for it. A mapped type over the closed set:
 * a missing or extra entry is a compile error. `docs/slurm.md` renders the same table.
 */
export type SlurmJobStateName =
  | 'PENDING'
  | 'RUNNING'
  | 'SUSPENDED'
  | 'COMPLETED'
  | 'CANCELLED'
  | 'FAILED'
  | 'TIMEOUT'
  | 'NODE_FAIL'
  | 'PREEMPTED'
  | 'BOOT_FAIL'
  | 'DEADLINE'
  | 'OUT_OF_MEMORY'
  | 'COMPLETING'
  | 'STAGE_OUT'
  | 'CONFIGURING'
  | 'RESIZING'
  | 'REQUEUED'
  | 'REQUEUE_FED'
  | 'REQUEUE_HOLD'
  | 'SPECIAL_EXIT'
  | 'STOPPED'
  | 'REVOKED'
  | 'RESV_DEL_HOLD'
  | 'SIGNALING';

/** One row: Omega's state and why. */
export interface JobStateMapping {
  readonly state: SessionState;
  readonly why: string;
}

/** Slurm job state → Omega session state. */
export const JOB_STATE_TABLE: { readonly [S in SlurmJobStateName]: JobStateMapping } = {
  PENDING: { state: 'pending', why: 'queued; `reason` says why (Resources, Priority, ReqNodeNotAvail, …)' },
  CONFIGURING: { state: 'pending', why: 'allocated, nodes still booting' },
  REQUEUED: { state: 'pending', why: 'requeued, will run again' },
  REQUEUE_FED: { state: 'pending', why: 'requeued by the federation' },
  REQUEUE_HOLD: { state: 'pending', why: 'requeued and held' },
  RESV_DEL_HOLD: { state: 'pending', why: 'held because its reservation was deleted' },
  RUNNING: { state: 'running', why: 'running' },
  RESIZING: { state: 'running', why: 'running, allocation being resized' },
  SIGNALING: { state: 'running', why: 'running, a signal is being delivered' },
  STAGE_OUT: { state: 'running', why: 'ended, burst buffer stage-out still holds it' },
  COMPLETING: {
    state: 'running',
    why: 'processes ending (KillWait, epilog); still holds its nodes; the final state follows',
  },
  SUSPENDED: { state: 'paused', why: '`scontrol suspend`: processes frozen, CPUs kept' },
  STOPPED: { state: 'paused', why: 'stopped with SIGSTOP, CPUs kept' },
  COMPLETED: { state: 'completed', why: 'batch script exited 0' },
  FAILED: { state: 'failed', why: 'non-zero exit code or killed by a signal' },
  SPECIAL_EXIT: { state: 'failed', why: 'exited with the special requeue-and-hold exit code' },
  OUT_OF_MEMORY: { state: 'oom-killed', why: 'a process was killed for exceeding `--mem`' },
  TIMEOUT: { state: 'timed-out', why: 'ran past its time limit' },
  DEADLINE: { state: 'timed-out', why: 'could not finish before its `--deadline`' },
  CANCELLED: { state: 'cancelled', why: 'scancel / REST DELETE (by Omega or an administrator)' },
  REVOKED: { state: 'cancelled', why: 'federation sibling revoked because it ran elsewhere' },
  NODE_FAIL: { state: 'lost', why: 'a node of the job failed or was set down' },
  BOOT_FAIL: { state: 'lost', why: 'a node failed to boot for it' },
  PREEMPTED: { state: 'lost', why: 'killed by the scheduler for a higher-priority job' },
};

/** Omega's state for a Slurm state string, or undefined for a state this Slurm version does not have. */
export function mapJobState(slurmState: string): SessionState | undefined {
  return Object.hasOwn(JOB_STATE_TABLE, slurmState)
    ? JOB_STATE_TABLE[slurmState as SlurmJobStateName].state
    : undefined;
}

const TERMINAL: ReadonlySet<SessionState> = new Set([
  'completed',
  'failed',
  'oom-killed',
  'timed-out',
  'cancelled',
  'lost',
]);

/** True for the states a session never leaves. */
export function isTerminalState(state: SessionState): boolean {
  return TERMINAL.has(state);
}
