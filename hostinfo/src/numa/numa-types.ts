import type { Detected } from '../detected.js';

/** Memory of one NUMA node from its own meminfo, in bytes. */
export interface NumaNodeMemory {
  totalBytes: number;
  freeBytes: number;
  /** `MemUsed` as the node reports it (total − free: page cache included). */
  usedBytes: number;
  /** Page cache on this node (`FilePages`). */
  filePagesBytes?: number;
  /**
   * An estimate of memory available on this node without swapping: free + inactive file pages +
   * reclaimable slab. The kernel computes MemAvailable only machine-wide (not per node), so this
   * is an estimate, never a kernel figure.
   */
  availableEstimateBytes?: number;
  /** Huge pages of the default size on this node. */
  hugePagesTotal?: number;
  hugePagesFree?: number;
}

/** One NUMA node. */
export interface NumaNodeInfo {
  node: number;
  /** Logical CPUs on this node (empty for a memory-only node, e.g. CXL or PMEM). */
  cpus: number[];
  memory?: NumaNodeMemory;
}

/**
 * Machine-wide memory beside the sum over nodes. They need not agree: /proc/meminfo's MemTotal is
 * the kernel's managed pages (totalram_pages) while each node's MemTotal sums its zones' managed
 * pages, so memory that is hot-plugged, ballooned or reserved after boot can make them differ;
 * and MemFree per node is kept in per-CPU counters folded in with a delay, so the sum of nodes'
 * MemFree drifts from the global MemFree by up to a few pages per CPU and zone. Both are given as
 * read, the difference named, nothing scaled to make them match.
 */
export interface NumaMemoryReconciliation {
  /** /proc/meminfo MemTotal: the authority for "how much memory has this machine". */
  systemTotalBytes: number;
  /** Sum of the nodes' MemTotal. */
  nodesTotalBytes: number;
  /** systemTotalBytes − nodesTotalBytes (may be negative); not attributed to any node. */
  unattributedBytes: number;
  systemFreeBytes: number;
  nodesFreeBytes: number;
}

/** NUMA topology: nodes, their CPUs and memory, and the distance matrix. */
export interface NumaTopology {
  nodes: NumaNodeInfo[];
  /** `distances[i][j]`: relative access cost from nodes[i] to nodes[j] (10 = local), from the ACPI SLIT. */
  distances: number[][];
  memory?: NumaMemoryReconciliation;
}

/** NUMA topology, absent with why. */
export type NumaReading = Detected<NumaTopology>;

/** Mean busy share of one node's CPUs over the last CPU interval. */
export interface NumaNodeLoad {
  node: number;
  /** Mean of the node's CPUs' busy share, in [0, 1]; absent for a node without CPUs. */
  busy?: number;
  cpus: number;
}
