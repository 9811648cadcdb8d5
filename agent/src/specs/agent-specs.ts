/*
 * What an agent tells the kernel about its machine (the `specs` message), at join and whenever
 * it changes. Static figures only — capacity and topology, not usage (usage rides on heartbeats).
 * A figure the machine does not give is left out and its reason put in `absent`, never zeroed.
 */

/** One NUMA node: its logical CPUs and memory. */
export interface SpecsNumaNode {
  node: number;
  cpus: number[];
  memoryBytes?: number;
}

/** One GPU. */
export interface SpecsGpu {
  index: number;
  vendor: string;
  model: string;
  memoryBytes?: number;
  uuid?: string;
  busId?: string;
}

/** One whole block device (partitions, loop, ram and zram left out). */
export interface SpecsDisk {
  name: string;
  sizeBytes: number;
  rotational?: boolean;
  model?: string;
}

/** One mounted real filesystem. */
export interface SpecsFilesystem {
  mount: string;
  device: string;
  fstype: string;
  sizeBytes: number;
  readOnly: boolean;
}

/** One network interface with its addresses (of the agent's network namespace). */
export interface SpecsInterface {
  name: string;
  kind: 'loopback' | 'device' | 'virtual';
  mac?: string;
  mtu?: number;
  speedMbps?: number;
  addresses: Array<{ family: 'IPv4' | 'IPv6'; address: string; prefix: number }>;
}

/** The machine, as the `specs` message carries it. */
export interface AgentSpecs {
  hostname: string;
  agentVersion: string;
  os: { platform: string; arch: string; kernel: string; distro?: string };
  cpu: { model?: string; vendor?: string; sockets: number; cores: number; threads: number };
  memory: { totalBytes: number; swapBytes: number };
  numa: SpecsNumaNode[];
  gpus: SpecsGpu[];
  disks: SpecsDisk[];
  filesystems: SpecsFilesystem[];
  interfaces: SpecsInterface[];
  /**
   * What the node offers to sessions: the machine's cores, threads and memory, or what the
   * operator configured instead (`capacity` in the agent config) — then `configured: true`,
   * `cpu` and `memory` above say the configured figures too, and `detected` the machine's.
   */
  capacity: {
    cores: number;
    threads: number;
    memoryBytes: number;
    gpus: number;
    configured: boolean;
    detected?: { cores: number; threads: number; memoryBytes: number };
  };
  /** Sources this machine lacks, with the reason (`gpus: 'nvidia-smi not installed'`). */
  absent: Record<string, string>;
}
