import type { SessionExit, SessionUsage } from '../exec/index.js';

/** Which engine runs a session on this agent: the cgroup executor, or the Slurm driver. */
export type SessionEngine = 'exec' | 'slurm';

/** Phases the agent reports (`pending`: queued in Slurm). */
export type AgentPhase = 'pending' | 'starting' | 'running' | 'paused' | 'stopping' | 'ended';

/** How a session ended here (`cancelled`: cancelled in Slurm by someone outside Omega). */
export type AgentOutcome =
  | 'succeeded'
  | 'failed'
  | 'signaled'
  | 'oom-killed'
  | 'timed-out'
  | 'terminated'
  | 'cancelled'
  | 'lost';

/**
 * A session as this agent reports it to the kernel: the result of every session op and the
 * data of a `session.state` report (plugins/sessions/src/agent-ops.ts reads the same shape).
 */
export interface AgentSessionStatus {
  id: string;
  engine: SessionEngine;
  phase: AgentPhase;
  outcome: AgentOutcome | null;
  reason: string;
  message: string;
  /** When it entered the phase (this agent's clock): the kernel ignores a report older than one it applied. */
  since: string;
  exit: SessionExit | null;
  usage: (SessionUsage | (Omit<SessionUsage, 'source'> & { source: 'slurm' })) | null;
  enforcement: string[];
  pauseMethod?: string;
  slurm?: { jobId: string; state: string; reason: string | null; nodes: string[] };
}

/** A window of output, bytes in base64 (never decoded). */
export interface LogWindow {
  stream: 'stdout' | 'stderr';
  offset: number;
  nextOffset: number;
  data: string;
  skippedBytes: number;
  startOffset: number;
  endOffset: number;
  ended: boolean;
}
