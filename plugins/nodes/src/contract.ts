/*
 * The nodes plugin's contract with other plugins: the services it provides and the events it
 * publishes, as types. Consumers import them as types only
 * (`import type { NodesServices } from '@omega/plugin-nodes/contract'`) and call
 * `definePlugin<{ calls: CallsTo<'nodes', NodesServices> }>(…)`.
 */

/**
 * Where a node is, as the kernel judges it from its own clock:
 * `ready` (heartbeats arrive), `suspect` (heartbeats missed, or its connection closed and it
 * has not come back yet), `down` (silent past the bound; `reason` says why), `left` (the agent
 * said goodbye).
 */
export type NodeState = 'ready' | 'suspect' | 'down' | 'left';

/** Every node state, as a run-time list. */
export const NODE_STATES: readonly NodeState[] = ['ready', 'suspect', 'down', 'left'];

/** An operator's hold on a node: who, why, since when and (optionally) until when. */
export interface NodeHold {
  by: string;
  reason: string;
  /** ISO time it was set. */
  at: string;
  /**
   * ISO time. A cordon ends by itself then; a drain's deadline is when work still on the node
   * may be stopped by its owner (the sessions plugin).
   */
  deadline?: string;
}

/** One GPU as the agent reported it. */
export interface GpuCapacity {
  index: number;
  model: string;
  memoryBytes: number;
}

/** One NUMA node: its logical CPUs and memory. */
export interface NumaCapacity {
  node: number;
  cpus: number[];
  memoryBytes: number;
}

/** What a node has, from the agent's specs (0/empty where the agent did not say). */
export interface NodeCapacity {
  /** Physical cores. */
  cores: number;
  /** Logical CPUs (hardware threads). */
  threads: number;
  memoryBytes: number;
  gpus: GpuCapacity[];
  numa: NumaCapacity[];
}

/** One GPU's utilisation in a heartbeat. */
export interface GpuLoad {
  index: number;
  util?: number;
  memUsed?: number;
  memTotal?: number;
  temp?: number;
}

/**
 * A node's load as its last heartbeat said (docs/agent-protocol.md `load`). Every field is
 * optional: absent means "not measured there", never 0.
 */
export interface LoadSummary {
  cpu?: number;
  load1?: number;
  load5?: number;
  load15?: number;
  memUsed?: number;
  memTotal?: number;
  swapUsed?: number;
  diskReadBps?: number;
  diskWriteBps?: number;
  diskBusy?: number;
  netRxBps?: number;
  netTxBps?: number;
  tempMax?: number;
  gpus?: GpuLoad[];
}

/** What a node's cgroup driver really enforces, when the agent reported it. */
export type CgroupReport = Record<string, unknown>;

/** Who manages a node other than its own agent: `slurm` (a Slurm node a submit host reports). */
export type NodeManager = 'slurm';

/** A Slurm node's own words, as its submit host's agent last reported them (`slurm.nodes`). */
export interface SlurmNodeInfo {
  /** The submit host's node id (whose agent reports this node). */
  submitNode: string;
  /** The node's name in Slurm. */
  name: string;
  /** Slurm's state (idle, mixed, allocated, completing, draining, drained, down, future, unknown). */
  state: string;
  /** Why Slurm drained it or set it down (its operator's text), or null. */
  reason: string | null;
  partitions: string[];
  allocatedCpus: number;
  allocatedMemoryMiB: number;
}

/** A node as other plugins see it (`nodes.registry`). */
export interface NodeSummary {
  id: string;
  name: string;
  state: NodeState;
  reason: string;
  /** ISO time of the last state change. */
  since: string;
  labels: Record<string, string>;
  cordoned: boolean;
  draining: boolean;
  /** ready && !cordoned && !draining. */
  schedulable: boolean;
  /** True while the agent has an open session with the kernel. */
  connected: boolean;
  capacity: NodeCapacity;
  /** The newest heartbeat's load (absent before the first one). */
  load?: LoadSummary;
  /** ISO time of the newest frame from the agent (kernel clock). */
  lastSeenAt?: string;
  cgroup?: CgroupReport;
  /**
   * Set when something other than an Omega agent manages the node (`slurm`): it is read-only
   * here (never schedulable, no commands, no cordon/drain/remove) and has no agent session.
   */
  managedBy?: NodeManager;
  /** A Slurm node's own state and reason (with `managedBy: 'slurm'`). */
  slurm?: SlurmNodeInfo;
}

/** Arguments of `nodes.registry`: every filter optional. */
export interface RegistryArgs {
  /** A node state, or `schedulable`. */
  state?: NodeState | 'schedulable';
  /** A label selector: `k=v,k!=v,k,!k` (all must hold). */
  selector?: string;
  /** Only these node ids (at most 10,000). */
  ids?: string[];
}

/** Arguments of `nodes.command`. */
export interface CommandArgs {
  /** Node id (or its unique name). */
  node: string;
  /**
   * The caller's idempotency key (1–80 of `[A-Za-z0-9._:-]`): a repeated id with a pending or
   * finished command never sends twice; the agent also executes an id at most once.
   */
  id: string;
  /** The agent operation, e.g. `ping`, `specs`, `session.start`. */
  op: string;
  args?: unknown;
  /** How long to wait for the result (default 30 s; at most 50 s: retry with the same id to wait longer). */
  timeoutMs?: number;
}

/** The outcome of a command, as the agent answered it. */
export interface CommandResult {
  ok: boolean;
  data?: unknown;
  error?: { code: string; message: string };
}

/** The services the nodes plugin provides, as `CallsTo<'nodes', NodesServices>` consumers see them. */
export interface NodesServices {
  /** The registry, filtered: `{ nodes }`. */
  registry: { args: RegistryArgs; result: { nodes: NodeSummary[] } };
  /**
   * Sends a command to a node's agent and resolves its result. Errors: OMEGA_ERR_NOT_FOUND
   * (no such node), OMEGA_ERR_UNAVAILABLE (not connected), NODES_ERR_COMMAND_TIMEOUT,
   * NODES_ERR_SLURM_MANAGED (a Slurm node: it has no agent).
   */
  command: { args: CommandArgs; result: CommandResult };
  /** Kernel only: a single-use, 10-minute join token for the kernel machine's own agent. */
  'local-join-token': { args: Record<string, never>; result: { token: string } };
}

/** Data of every `nodes.node.<change>` event. */
export interface NodeEvent {
  id: string;
  name: string;
  state: NodeState;
  reason: string;
  since: string;
  /** The state before, on state changes. */
  previous?: NodeState;
  /** cordoned / draining: the operator's hold; uncordoned: who ended it and why. */
  hold?: NodeHold;
  /** labels: the node's labels now. */
  labels?: Record<string, string>;
}

/** Node changes published as `nodes.node.<change>`. */
export const NODE_CHANGES = [
  'joined',
  'ready',
  'suspect',
  'down',
  'left',
  'cordoned',
  'draining',
  'uncordoned',
  'removed',
  'labels',
] as const;

/** One node change. */
export type NodeChange = (typeof NODE_CHANGES)[number];

/**
 * `nodes.load`: the newest load of the nodes that heartbeated since the last batch, for the
 * metrics plugin (each event at most 64 KiB; a batch spans several events).
 */
export interface NodesLoadEvent {
  /** When the batch was cut (epoch ms, kernel clock). */
  at: number;
  nodes: Array<{ id: string; name: string; load: LoadSummary }>;
}

/** `nodes.agent.report`: something an agent observed (e.g. a session ended). */
export interface AgentReportEvent {
  node: string;
  topic: string;
  data: unknown;
}

/** Data of `audit.nodes.<action>` events (the security plugin records them). */
export interface NodesAuditEvent {
  actor: string;
  action: string;
  outcome: 'success' | 'failure' | 'denied';
  target: string;
  source?: string;
  details?: Record<string, unknown>;
}

/** The events the plugin publishes, by topic. */
export type NodesEvents = { [K in NodeChange as `nodes.node.${K}`]: NodeEvent } & {
  'nodes.load': NodesLoadEvent;
  'nodes.agent.report': AgentReportEvent;
};
