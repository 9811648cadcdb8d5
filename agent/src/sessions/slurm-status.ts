import { constants } from 'node:os';
import type { SlurmJobStatus } from '../slurm/index.js';
import type { AgentOutcome, AgentPhase, AgentSessionStatus } from './agent-session-status.js';
import type { SlurmSessionEntry } from './slurm-job-store.js';

const SIGNAL_NAMES = new Map(Object.entries(constants.signals).map(([name, n]) => [n as number, name]));

/** What Slurm enforces for a job, for the session's enforcement lines. */
export const SLURM_ENFORCEMENT = [
  'cores, memory and GPUs: enforced by Slurm (its cgroup task plugin on the compute node)',
  'time limit: enforced by Slurm (TIMEOUT)',
];

function phaseOf(s: SlurmJobStatus): AgentPhase {
  if (s.state === 'pending') return 'pending';
  if (s.state === 'running') return 'running';
  if (s.state === 'paused') return 'paused';
  return 'ended';
}

function outcomeOf(s: SlurmJobStatus, e: SlurmSessionEntry): AgentOutcome | null {
  switch (s.state) {
    case 'completed':
      return 'succeeded';
    case 'failed':
      return s.signal !== null && s.exitCode === null ? 'signaled' : 'failed';
    case 'oom-killed':
      return 'oom-killed';
    case 'timed-out':
      return 'timed-out';
    case 'cancelled':
      return e.cancelRequested ? 'terminated' : 'cancelled';
    case 'lost':
      return 'lost';
    default:
      return null;
  }
}

/**
 * A Slurm job's status in the kernel's words (docs/slurm.md maps every Slurm state). `since`
 * moves only when the phase changes (a new pending reason keeps it), and is kept in the entry.
 */
export function slurmStatus(
  id: string,
  s: SlurmJobStatus,
  e: SlurmSessionEntry,
  now = new Date(),
): AgentSessionStatus {
  const phase = phaseOf(s);
  if (e.phase !== phase || !e.since) {
    e.phase = phase;
    e.since = now.toISOString();
  }
  const outcome = outcomeOf(s, e);
  const signal = s.signal !== null ? (SIGNAL_NAMES.get(s.signal) ?? `signal ${s.signal}`) : null;
  return {
    id,
    engine: 'slurm',
    phase,
    outcome,
    reason:
      phase === 'pending'
        ? 'queued'
        : phase === 'running'
          ? 'started'
          : phase === 'paused'
            ? 'paused'
            : (outcome ?? 'ended'),
    message: `Slurm ${s.slurmState}${s.reason ? `: ${s.reason}` : ''}`,
    since: e.since,
    exit:
      phase === 'ended' && (s.exitCode !== null || signal !== null)
        ? { code: s.exitCode, signal, coreDumped: false }
        : null,
    usage: null,
    enforcement: SLURM_ENFORCEMENT,
    pauseMethod: 'scontrol suspend (Slurm freezes the job)',
    slurm: { jobId: s.jobId, state: s.slurmState, reason: s.reason, nodes: s.nodes },
  };
}
