/*
 * The resources plugin's contract: what its API serves and the events it publishes, as types.
 * Consumers import them as types only (`import type { … } from '@omega/plugin-resources/contract'`).
 * The summary's shape is @omega/hostinfo's ResourceSummary, the one the agent builds; the
 * network report mirrors `agent/src/netprobe/start-netprobe.ts`.
 * Anything a node does not have is `{ available: false, reason }`, never zeros.
 */
import type { Absent, InterfaceInfo, ResourceSummary } from '@omega/hostinfo';

/** How serious a problem is. */
export type Severity = 'info' | 'warning' | 'critical';

/** What kind of problem a node has. */
export type ProblemKind =
  | 'throttling'
  | 'held-down'
  | 'hot'
  | 'gpu-throttled'
  | 'md-degraded'
  | 'md-syncing'
  | 'btrfs-errors'
  | 'zfs-unhealthy'
  | 'smart-failing'
  | 'fs-full'
  | 'fs-filling'
  | 'inodes-full'
  | 'disk-busy';

/** One problem of one node, with since when it holds (ISO time). */
export interface ResourceProblem {
  kind: ProblemKind;
  /** What it is about: a mount, a device, an array, `cpu`, a GPU index. */
  subject: string;
  severity: Severity;
  message: string;
  since: string;
}

/** The `resources.summary` an agent reports (sanitized, as sent): @omega/hostinfo's shape, written once for both sides. */
export type ResourceSummaryView = ResourceSummary;

/** One node's resources as `GET /resources` and `GET /resources/nodes/{node}` serve them. */
export interface NodeResources {
  id: string;
  name: string;
  /** The node's state in the registry (ready, suspect, down, left). */
  state: string;
  connected: boolean;
  /** ISO time of the newest summary (absent before the first). */
  reportedAt?: string;
  /** The newest summary, or why there is none. */
  summary: ResourceSummaryView | Absent;
  problems: ResourceProblem[];
}

/** One probe target's figures over the window (ms). */
export interface ProbeFigures {
  sent: number;
  received: number;
  loss?: number;
  rttMs?: { min: number; p50: number; p99: number; max: number; mean: number };
  jitterMs?: number;
  lastReplyAt?: number;
  lastError?: string;
}

/** How a measured link is doing. */
export type LinkStatus = 'ok' | 'degraded' | 'bad' | 'unreachable' | 'stale';

/** One cell of the latency matrix: what `from` measured towards `to` (a node id, or `kernel`). */
export interface LatencyCell extends ProbeFigures {
  from: string;
  to: string;
  status: LinkStatus;
  /** Why it has that status, in words. */
  reason: string;
  /** ISO time of the report it comes from. */
  at: string;
}

/** `GET /resources/network/latency`. */
export interface LatencyMatrix {
  at: string;
  windowMs: number;
  intervalMs: number;
  /** Probing nodes (rows). */
  nodes: Array<{ id: string; name: string }>;
  /** Probed targets (columns): nodes and `kernel`. */
  targets: Array<{ id: string; name: string }>;
  cells: LatencyCell[];
}

/** How well connected one node is. */
export type QualityGrade = 'good' | 'degraded' | 'bad' | 'unreachable' | 'unknown';

/** One node's connection quality: from the cells it measured and the cells measured towards it. */
export interface NodeQuality {
  node: string;
  name: string;
  grade: QualityGrade;
  /** 0 (unusable) – 1 (perfect); absent when unknown. */
  score?: number;
  reason: string;
  kernel?: LatencyCell;
  peers: { measured: number; reachable: number; worstLoss?: number; medianRttMs?: number };
}

/** One interface as reported (addresses, link, rates, counters). */
export type InterfaceView = InterfaceInfo & {
  rates?: Record<string, unknown>;
  totals?: Record<string, unknown>;
};

/** `GET /resources/network/topology`: nodes × interfaces × subnets, as a graph a UI can draw. */
export interface NetworkTopology {
  at: string;
  nodes: Array<{ id: string; name: string; state: string }>;
  subnets: Array<{ id: string; family: 'IPv4' | 'IPv6'; prefix: number; nodes: number }>;
  /** Edges node → subnet, one per address of an interface. */
  links: Array<{
    node: string;
    interface: string;
    subnet: string;
    address: string;
    kind: InterfaceInfo['kind'];
    operstate: string;
    carrier?: boolean;
    mtu?: number;
    speedMbps?: number;
  }>;
}

/** Data of `resources.problem.raised` and `resources.problem.cleared`. */
export interface ProblemEvent extends ResourceProblem {
  node: string;
  name: string;
}

/** Data of `resources.updated` and `network.updated`: nodes whose data changed since the last one. */
export interface UpdatedEvent {
  at: number;
  nodes: string[];
}

/** Data of `network.link.changed`. */
export interface LinkChangedEvent {
  from: string;
  to: string;
  status: LinkStatus;
  previous?: LinkStatus;
  reason: string;
}

/** Data of `network.node.quality`. */
export interface QualityEvent {
  node: string;
  name: string;
  grade: QualityGrade;
  previous?: QualityGrade;
  reason: string;
}

/** Data of `resources.series`: samples for the metrics plugin, per node. */
export interface SeriesEvent {
  at: number;
  nodes: Array<{
    node: string;
    samples: Array<[name: string, labels: Record<string, string>, value: number]>;
  }>;
}

/** The events the plugin publishes, by topic. */
export type ResourcesEvents = {
  'resources.updated': UpdatedEvent;
  'resources.problem.raised': ProblemEvent;
  'resources.problem.cleared': ProblemEvent;
  'resources.series': SeriesEvent;
  'network.updated': UpdatedEvent;
  'network.link.changed': LinkChangedEvent;
  'network.node.quality': QualityEvent;
};
