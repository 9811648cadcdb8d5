import type { SelectorTerm } from '@omega/sdk';
import type { PlacementStrategy } from '../contract.js';

/** Limits a node may not enforce; a session with `enforcement: required` needs the ones it asks for. */
export type EnforcedFeature = 'memory' | 'cpuCap' | 'cpuset' | 'pids' | 'diskQuota';

/** A node as placement sees it (built from the nodes registry). */
export interface PlacementNode {
  id: string;
  name: string;
  labels: Readonly<Record<string, string>>;
  /** Why it takes no new sessions (cordoned, draining, not ready); undefined when it does. */
  unschedulable?: string;
  /** Logical CPUs sessions may use, by NUMA node (one NUMA node 0 when the node did not say). */
  numa: ReadonlyArray<{ node: number; cpus: readonly number[] }>;
  memoryBytes: number;
  gpus: ReadonlyArray<{ index: number; model: string }>;
  /** Features the node reported as not enforced, with the node's words. */
  notEnforced: Partial<Record<EnforcedFeature, string>>;
}

/** What a session reserves on its node. */
export interface Allocation {
  session: string;
  node: string;
  /** CPU time reserved, thousandths of a core (whole cores count 1000 each). */
  millicores: number;
  cpus: readonly number[];
  memoryBytes: number;
  gpus: readonly number[];
}

/** What a pending session asks for, as placement weighs it. */
export interface Demand {
  session: string;
  /** Whole pinned cores (exclusive CPUs), or undefined for a fractional share. */
  cores?: number;
  /** CPU time, thousandths of a core (cores × 1000 for whole cores). */
  millicores: number;
  memoryBytes: number;
  gpus: number;
  gpuModel?: string;
  selector: readonly SelectorTerm[];
  /** Features it needs enforced (empty for best-effort sessions). */
  needs: readonly EnforcedFeature[];
  strategy: PlacementStrategy;
}

/** Where and with what a demand fits on a node. */
export interface Fit {
  node: string;
  cpus?: number[];
  mems?: number[];
  gpus: number[];
}

/** A node's free capacity during a scheduling pass. */
export interface NodeFree {
  node: PlacementNode;
  totalMillicores: number;
  millicores: number;
  /** Free CPUs (not pinned by any session), by NUMA node. */
  freeCpus: Map<number, Set<number>>;
  memoryBytes: number;
  freeGpus: Set<number>;
}
