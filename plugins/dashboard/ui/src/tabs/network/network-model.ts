/*
 * What the Network tab reads from the resources plugin's network routes (docs/network.md,
 * plugins/resources/src/contract.ts), as type-only mirrors read leniently (absent parts are
 * `{ available: false, reason }`).
 */
import type { Detected } from '../resources/resources-model.js';

/** How a measured link is doing (the plugin's judgement). */
export type LinkStatus = 'ok' | 'degraded' | 'bad' | 'unreachable' | 'stale';
/** How well one node is connected. */
export type QualityGrade = 'good' | 'degraded' | 'bad' | 'unreachable' | 'unknown';

/** One cell of the latency matrix: what `from` measured towards `to`. */
export interface LatencyCell {
  from: string;
  to: string;
  sent: number;
  received: number;
  loss?: number;
  rttMs?: { min: number; p50: number; p99: number; max: number; mean: number };
  jitterMs?: number;
  status: LinkStatus;
  reason: string;
  at: string;
  lastError?: string;
}

/** `GET /resources/network/latency`. */
export interface LatencyMatrix {
  at: string;
  windowMs: number;
  intervalMs: number;
  nodes: Array<{ id: string; name: string }>;
  targets: Array<{ id: string; name: string }>;
  cells: LatencyCell[];
}

/** One node's connection quality. */
export interface NodeQuality {
  node: string;
  name: string;
  grade: QualityGrade;
  score?: number;
  reason: string;
  kernel?: LatencyCell;
  peers: { measured: number; reachable: number; worstLoss?: number; medianRttMs?: number };
}

/** One interface as an agent reports it. */
export interface InterfaceView {
  name: string;
  operstate: string;
  kind?: string;
  carrier?: boolean;
  speed?: Detected<{ mbps: number }>;
  mtu?: number;
  mac?: string;
  addresses?: Detected<{ list: Array<{ family: string; address: string; prefix: number }> }>;
  rates?: {
    rxBytesPerSecond?: number;
    txBytesPerSecond?: number;
    rxErrorsPerSecond?: number;
    txErrorsPerSecond?: number;
    rxDroppedPerSecond?: number;
    txDroppedPerSecond?: number;
  };
  totals?: { rxErrors?: number; txErrors?: number; rxDropped?: number; txDropped?: number };
}

/** One node's network part (`GET /resources/network` items). */
export interface NodeNetwork {
  id: string;
  name: string;
  state: string;
  interfaces:
    | { reportedAt: string; list: InterfaceView[]; omitted?: unknown }
    | { available: false; reason: string };
  quality: NodeQuality | { grade: 'unknown'; reason: string };
}

/** `GET /resources/network/topology`. */
export interface NetworkTopology {
  at: string;
  nodes: Array<{ id: string; name: string; state: string }>;
  subnets: Array<{ id: string; family: 'IPv4' | 'IPv6'; prefix: number; nodes: number }>;
  links: Array<{
    node: string;
    interface: string;
    subnet: string;
    address: string;
    kind?: string;
    operstate: string;
    carrier?: boolean;
    mtu?: number;
    speedMbps?: number;
  }>;
}

/** The class a heat-table cell gets from the plugin's judgement of the link. */
export function heatClass(status: LinkStatus | undefined): string {
  switch (status) {
    case 'ok':
      return 'heat heat-ok';
    case 'degraded':
      return 'heat heat-warn';
    case 'bad':
    case 'unreachable':
      return 'heat heat-bad';
    default:
      return 'heat heat-none';
  }
}

/** The cell of `from` → `to`, if measured. */
export function cellOf(m: LatencyMatrix, from: string, to: string): LatencyCell | undefined {
  return m.cells.find((c) => c.from === from && c.to === to);
}
