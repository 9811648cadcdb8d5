/*
 * The session ops the plugin sends to agents through `nodes.command`, and the reports agents
 * send back (read from `nodes.agent.report`). The agent validates the same shapes
 * (agent/src/sessions/session-op-schemas.ts); a test checks that what this plugin sends
 * passes the agent's schemas.
 */
import type { SessionExit, SessionUsage } from './contract.js';

/** Which engine runs a session on the agent: its own executor (cgroups) or its Slurm driver. */
export type AgentEngine = 'exec' | 'slurm';

/** Args of `session.start`. */
export interface StartOpArgs {
  id: string;
  engine: AgentEngine;
  name: string;
  command?: string;
  args: string[];
  script?: string;
  env: Record<string, string>;
  cwd?: string;
  resources: {
    /** Pinned CPUs and their NUMA memory nodes (whole cores). */
    cpus?: number[];
    mems?: number[];
    /** A CPU cap in thousandths of a core (fractional sessions). */
    millicores?: number;
    /** Whole cores for a Slurm job. */
    cores?: number;
    memoryBytes: number;
    pidsMax?: number;
    /** A size limit on the session's own working directory (the executor's disk quota). */
    diskBytes?: number;
    /** GPU count (Slurm `--gres=gpu:N`) and the indexes assigned on an Omega node. */
    gpus: number;
    gpuIndexes?: number[];
  };
  timeLimitSec?: number;
  enforcement: 'required' | 'best-effort';
  /** Slurm partition (engine `slurm`). */
  partition?: string;
}

/** Args of `session.pause|resume|status|usage|remove`. */
export interface SessionIdArgs {
  id: string;
}

/** Args of `session.terminate`. */
export interface TerminateOpArgs {
  id: string;
  graceMs?: number;
  reason?: string;
}

/** Args of `session.logs`: a window of one stream, waiting up to `waitMs` for new bytes. */
export interface LogsOpArgs {
  id: string;
  stream: 'stdout' | 'stderr';
  offset?: number;
  limit?: number;
  waitMs?: number;
}

/** Result of `session.logs` (`data` is base64: bytes are never decoded). */
export interface LogsOpResult {
  stream: 'stdout' | 'stderr';
  offset: number;
  nextOffset: number;
  data: string;
  skippedBytes: number;
  startOffset: number;
  endOffset: number;
  ended: boolean;
}

/** Phases an agent reports (`pending`: queued in Slurm). */
export type AgentPhase = 'pending' | 'starting' | 'running' | 'paused' | 'stopping' | 'ended';

/** How a session ended on the agent (`cancelled`: cancelled in Slurm by someone outside Omega). */
export type AgentOutcome =
  | 'succeeded'
  | 'failed'
  | 'signaled'
  | 'oom-killed'
  | 'timed-out'
  | 'terminated'
  | 'cancelled'
  | 'lost';

/** A session as an agent reports it: the result of every session op and the `session.state` report. */
export interface AgentSessionStatus {
  id: string;
  engine: AgentEngine;
  phase: AgentPhase;
  outcome: AgentOutcome | null;
  reason: string;
  message: string;
  /** When it entered the phase (agent clock). */
  since: string;
  exit: SessionExit | null;
  usage: SessionUsage | null;
  enforcement: string[];
  pauseMethod?: string;
  slurm?: { jobId: string; state: string; reason: string | null; nodes: string[] };
}

/** Report topics agents send. */
export const REPORT_TOPICS = {
  state: 'session.state',
  usage: 'session.usage',
  slurmNodes: 'slurm.nodes',
} as const;

/** `session.usage` report: the newest sample of each live session (batched each second). */
export interface UsageReport {
  at: string;
  sessions: Array<{ id: string; usage: SessionUsage }>;
}

/** One Slurm partition as a submit-host agent reports it. */
export interface SlurmPartitionReport {
  name: string;
  state: string;
  nodes: string[];
  totalCpus: number;
  isDefault: boolean;
  maxTimeMinutes: number | null;
}

/** `slurm.nodes` report: the Slurm cluster a submit-host agent sees (nodes with their Slurm state). */
export interface SlurmNodesReport {
  at: string;
  partitions: SlurmPartitionReport[];
  nodes: Array<{
    name: string;
    state: string;
    reason: string | null;
    cpus: number;
    allocatedCpus: number;
    memoryMiB: number;
    allocatedMemoryMiB: number;
    gpus: number;
    partitions: string[];
  }>;
}
