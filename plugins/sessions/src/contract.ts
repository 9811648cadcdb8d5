/*
 * The sessions plugin's contract: the session as the API shows it, the events it publishes
 * (`sessions.session.<state>`, `sessions.usage`, `audit.sessions.<action>`), and the agent
 * ops it sends through `nodes.command` with the reports it reads back from
 * `nodes.agent.report`. Consumers import these as types only
 * (`import type { SessionView } from '@omega/plugin-sessions/contract'`).
 */

/** Where a session is in its life (docs/sessions.md lists every reason). */
export type SessionState =
  | 'pending'
  | 'starting'
  | 'running'
  | 'paused'
  | 'terminating'
  | 'completed'
  | 'failed'
  | 'oom-killed'
  | 'timed-out'
  | 'cancelled'
  | 'lost';

/** Every session state, in lifecycle order. */
export const SESSION_STATES: readonly SessionState[] = [
  'pending',
  'starting',
  'running',
  'paused',
  'terminating',
  'completed',
  'failed',
  'oom-killed',
  'timed-out',
  'cancelled',
  'lost',
];

/** The states a session never leaves. */
export const TERMINAL_STATES: readonly SessionState[] = [
  'completed',
  'failed',
  'oom-killed',
  'timed-out',
  'cancelled',
  'lost',
];

/** How pending sessions are spread over nodes. */
export type PlacementStrategy = 'binpack' | 'spread';

/** Where a session runs: on Omega's own agents, or as a job of a Slurm partition. */
export type SessionTarget = { kind: 'agents' } | { kind: 'slurm'; partition?: string };

/** What a session may use (after validation and defaults). */
export interface SessionResources {
  /** Whole logical CPUs, pinned (cpuset) NUMA-aware; exclusive to the session. */
  cores?: number;
  /** A share of CPU time in thousandths of a core (a hard cap), not pinned. Exactly one of cores and millicores. */
  millicores?: number;
  /** Hard memory limit, bytes (also what placement reserves). */
  memoryBytes: number;
  /** GPUs by count, and optionally the model they must be (substring, case-insensitive). */
  gpus: number;
  gpuModel?: string;
  /** Most processes and threads alive at once. */
  pidsMax?: number;
  /**
   * A size limit on the session's own working directory, bytes (a loop-mounted ext4 image or a
   * sized tmpfs on the node, unmounted with the session: the directory is scratch). Writes past
   * it fail with ENOSPC. Only with no `cwd`, only on agents.
   */
  diskBytes?: number;
}

/** A session's spec: what was asked (validated, defaults applied). */
export interface SessionSpec {
  name: string;
  /** Exactly one of command (+ args) and script. */
  command?: string;
  args: string[];
  script?: string;
  /** The whole environment of the session (nothing is inherited from the agent). */
  env: Record<string, string>;
  cwd?: string;
  resources: SessionResources;
  /** Label selector (`k=v,k!=v,k,!k`), all terms must hold; '' for any node. */
  nodeSelector: string;
  /** Higher starts first (-1000…1000, default 0); equal priorities start oldest first. */
  priority: number;
  timeLimitSec?: number;
  placement: PlacementStrategy;
  target: SessionTarget;
  /** `required`: a node that does not enforce a limit is not chosen; `best-effort`: run, and say what was not enforced. */
  enforcement: 'required' | 'best-effort';
}

/** Who owns a session: the authenticated caller that created it. */
export interface SessionOwner {
  id: string;
  name: string;
}

/** How the main process ended. */
export interface SessionExit {
  code: number | null;
  signal: string | null;
  coreDumped: boolean;
}

/** A usage sample (cumulative counters; `null` where the node has no such counter). */
export interface SessionUsage {
  at: string;
  cpuUserSec: number;
  cpuSystemSec: number;
  cpuTotalSec: number;
  throttledSec: number | null;
  memoryCurrentBytes: number | null;
  memoryPeakBytes: number | null;
  pidsCurrent: number | null;
  source: 'cgroup' | 'proc' | 'slurm';
}

/** What placement gave the session on its node. */
export interface SessionPlacement {
  node: string;
  nodeName: string;
  /** Pinned logical CPUs and their NUMA memory nodes (whole-core sessions). */
  cpus?: number[];
  mems?: number[];
  millicores: number;
  memoryBytes: number;
  /** GPU indexes on the node. */
  gpus: number[];
}

/** The Slurm job behind a session that targets a partition. */
export interface SlurmJobView {
  jobId: string;
  state: string;
  reason: string | null;
  nodes: string[];
}

/** One state a session went through. */
export interface SessionHistoryEntry {
  state: SessionState;
  reason: string;
  at: string;
}

/** What a session is now. */
export interface SessionStatus {
  state: SessionState;
  /** Why it is in this state, in words (e.g. "needs 4 cores; the largest free is 2 on h3"). */
  reason: string;
  /** ISO time it entered the state. */
  since: string;
  placement?: SessionPlacement;
  /** Start attempts so far (a start that never reached a node is retried elsewhere). */
  attempts: number;
  startedAt?: string;
  endedAt?: string;
  exit?: SessionExit;
  usage?: SessionUsage;
  /** The highest memory use seen (the peak at an OOM kill). */
  peakMemoryBytes?: number;
  /** Who cancelled it (cancelled sessions). */
  cancelledBy?: string;
  /** What the node enforces for it, one line each (from the agent). */
  enforcement?: string[];
  pauseMethod?: string;
  slurm?: SlurmJobView;
}

/** A session as the API shows it. */
export interface SessionView {
  id: string;
  version: number;
  owner: SessionOwner;
  spec: SessionSpec;
  status: SessionStatus;
  history: SessionHistoryEntry[];
  createdAt: string;
  updatedAt: string;
}

/** Data of every `sessions.session.<state>` event. */
export interface SessionEvent {
  id: string;
  name: string;
  owner: string;
  state: SessionState;
  reason: string;
  since: string;
  previous?: SessionState;
  node?: string;
  exit?: SessionExit;
}

/**
 * `sessions.usage`: the newest usage of running sessions, batched every second (each event
 * at most 64 KiB; a batch may span several events). Rows follow `fields`.
 */
export interface SessionsUsageEvent {
  at: number;
  fields: typeof USAGE_FIELDS;
  rows: Array<[string, string, string, ...Array<number | null>]>;
}

/** Column order of a `sessions.usage` row. */
export const USAGE_FIELDS = [
  'session',
  'node',
  'owner',
  'cpuUserSec',
  'cpuSystemSec',
  'throttledSec',
  'memoryCurrentBytes',
  'memoryPeakBytes',
  'pidsCurrent',
] as const;

/** Data of `audit.sessions.<action>` events (the security plugin records them). */
export interface SessionsAuditEvent {
  actor: string;
  action: string;
  outcome: 'success' | 'failure' | 'denied';
  target: string;
  source?: string;
  details?: Record<string, unknown>;
}

/** Limits of one quota; an absent field is not limited by it. */
export interface QuotaLimits {
  cores?: number;
  memoryBytes?: number;
  gpus?: number;
  sessions?: number;
}

/** A quota for one user or for every user with a role. */
export interface QuotaView {
  scope: 'user' | 'role';
  name: string;
  limits: QuotaLimits;
  version: number;
  updatedBy: string;
  updatedAt: string;
}

/** The events the plugin publishes, by topic. */
export type SessionsEvents = { [S in SessionState as `sessions.session.${S}`]: SessionEvent } & {
  'sessions.usage': SessionsUsageEvent;
};
