import type {
  CgroupReport,
  NodeCapacity,
  NodeHold,
  NodeManager,
  NodeState,
  SlurmNodeInfo,
} from '../contract.js';

/** What an operator did to a node's hold (the state itself does not change). */
export type HoldChange = 'cordoned' | 'draining' | 'uncordoned';

/** One entry of a node's state history (newest last). */
export interface StateChange {
  /** Sequence number within the node's history (1, 2, …; never reused): the history cursor. */
  n?: number;
  /** The state after the change. */
  state: NodeState;
  /** The state before (absent on the first entry and on hold changes). */
  from?: NodeState;
  /** Set when an operator cordoned, drained or uncordoned the node (or a cordon deadline passed). */
  hold?: HoldChange;
  reason: string;
  /** Who decided: `nodes` (judged from the agent's frames and silence) or the operator. */
  by?: string;
  /** ISO time. */
  at: string;
}

/**
 * What is durable about a node (collection `nodes`, one record per node): identity, the
 * operator's intent (labels, cordon, drain) and the judged state with its reason and bounded
 * history. Specs live beside it (collection `specs`); heartbeat-rate data never here.
 */
export interface NodeRecord {
  id: string;
  name: string;
  /** Raw Ed25519 identity key, base64url. */
  publicKey: string;
  /** base64url(SHA-256(raw key)). */
  fingerprint: string;
  labels: Record<string, string>;
  /** Bumped by every operator change (labels, cordon, drain): the API object's `version`. */
  specVersion: number;
  cordon?: NodeHold;
  drain?: NodeHold;
  state: NodeState;
  reason: string;
  /** ISO time of the last state change. */
  since: string;
  history: StateChange[];
  agentVersion?: string;
  /** The join token's id it joined with. */
  token?: string;
  capacity: NodeCapacity;
  /** base64url SHA-256 of the specs JSON last stored (collection `specs`). */
  specsDigest?: string;
  cgroup?: CgroupReport;
  /** Set on nodes mirrored from another manager (Slurm): memory only, never stored. */
  managedBy?: NodeManager;
  slurm?: SlurmNodeInfo;
  /** ISO times. */
  joinedAt: string;
  updatedAt: string;
}

/** What the kernel last saw of a node (memory; persisted in batches to the `live` ephemeral store). */
export interface LiveState {
  /** When the newest frame (or the handshake) from the agent arrived, epoch ms, kernel clock. */
  at: number;
  /** Where it came from. */
  remote?: string;
  /** The newest heartbeat's load and when it arrived. */
  load?: import('../contract.js').LoadSummary;
  loadAt?: number;
  /** The open session's connection id (absent: not connected). */
  conn?: string;
  /** Silence is counted from here when later than `at` (kernel start, a stalled sweep). */
  graceFrom?: number;
  /** The kernel said the current connection fell silent, and what TCP said. */
  silent?: { at: number; ms: number; transport: 'acked' | 'unacked' | 'unknown' };
  /** The current connection closed without leave while the node was healthy. */
  closed?: { at: number; code: number; reason: string };
}

/** A node as the plugin holds it: the durable record, its storage version, and the live part. */
export interface NodeEntry {
  record: NodeRecord;
  /** The record's storage version (0 before its first write). */
  version: number;
  live: LiveState;
}
