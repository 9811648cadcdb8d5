import type {
  BtrfsHealth,
  CpuFrequency,
  Detected,
  FullEstimate,
  GpuThermal,
  MdHealth,
  NumaMemoryReconciliation,
  NumaNodeMemory,
  SmartHealth,
  ThermalReading,
  ThrottleEvent,
  ZfsHealth,
} from '@omega/hostinfo';
import type { DiskFigures } from './sampling/interval-figures.js';
import type { HeldDownSummary } from './thermal/held-down-log.js';

/*
 * What the agent says about its machine's resources (docs/resources.md): the periodic
 * `resources.summary` report (its shape is @omega/hostinfo's ResourceSummary, shared with the
 * resources plugin that reads it) and the `resources.detail` op's answer (everything, read
 * fresh, on demand). Anything a machine does not have is `{ available: false, reason }`, never zeros.
 */

export {
  type DiskSummary,
  type FilesystemSummary,
  type FullSummary,
  type NumaNodeSummary,
  RESOURCES_SUMMARY_TOPIC,
  type ResourceSummary,
} from '@omega/hostinfo';

/** One NUMA node in the detail: topology, memory and load. */
export interface NumaNodeDetail {
  node: number;
  cpus: number[];
  memory?: NumaNodeMemory;
  /** Mean and highest per-second busy share of its CPUs over the interval. */
  busy?: number;
  busyMax?: number;
}

/** One filesystem in the detail. */
export interface FilesystemDetail {
  mount: string;
  device: string;
  fstype: string;
  readOnly: boolean;
  sizeBytes: number;
  usedBytes: number;
  freeBytes: number;
  availBytes: number;
  usedRatio: number;
  inodes: Detected<{ total: number; free: number; used: number; usedRatio: number }>;
  full: FullEstimate;
}

/** The `resources.detail` op's answer, section by section. */
export interface ResourceDetail {
  v: 1;
  at: number;
  numa?: {
    topology: Detected<{ nodes: NumaNodeDetail[]; distances: number[][]; memory?: NumaMemoryReconciliation }>;
    /** Per logical CPU, over the last interval. */
    cpu: Detected<{
      intervalSeconds: number;
      busy: number;
      max: number;
      cores: Array<{ cpu: number; node?: number; busy: number; max: number }>;
    }>;
  };
  thermal?: {
    sensors: ThermalReading;
    throttle: Detected<{
      windowMs: number;
      /** Times throttled in the window: the package counters' rises (else the most one core counted). */
      count: number;
      /** Rises of the cores' own counters, summed over cores. */
      coreEvents: number;
      /** Rises of the package counters. */
      packageEvents: number;
      throttledMs?: number;
      lastAt?: number;
      events: ThrottleEvent[];
      /** Cumulative counters since boot, per package and summed over cores. */
      counters: { packages: Array<{ package: number; count: number; totalMs?: number }>; cores: number };
    }>;
    frequency: Detected<{
      cpus: CpuFrequency[];
      ratioMin: number;
      ratioMean: number;
      capped: number[];
      heldDown: HeldDownSummary;
    }>;
    gpus: Detected<{ at: number; gpus: GpuThermal[] }>;
  };
  storage?: {
    disks: Detected<{ intervalSeconds: number; devices: DiskFigures[] }>;
    filesystems: Detected<{ list: FilesystemDetail[] }>;
  };
  health?: {
    md: MdHealth;
    btrfs: BtrfsHealth;
    zfs: ZfsHealth & { readAt?: number };
    smart: SmartHealth & { readAt?: number };
  };
}

/** Sections `resources.detail` can be asked for. */
export const DETAIL_SECTIONS = ['numa', 'thermal', 'storage', 'health'] as const;
/** One section. */
export type DetailSection = (typeof DETAIL_SECTIONS)[number];
