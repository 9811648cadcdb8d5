import type {
  BtrfsHealth,
  CpuFrequency,
  Detected,
  FullEstimate,
  GpuThermal,
  GpuThrottleReason,
  MdHealth,
  NumaMemoryReconciliation,
  NumaNodeMemory,
  SmartHealth,
  TemperatureSensor,
  ThermalReading,
  ThrottleEvent,
  ZfsHealth,
} from '@omega/hostinfo';
import type { DiskFigures } from './sampling/interval-figures.js';
import type { HeldDownSummary } from './thermal/held-down-log.js';

/*
 * What the agent says about its machine's resources (docs/resources.md): the periodic
 * `resources.summary` report (small: the figures a fleet list, the series and the problems
 * need) and the `resources.detail` op's answer (everything, read fresh, on demand). Anything a
 * machine does not have is `{ available: false, reason }`, never zeros.
 */

/** Report topic of the periodic summary. */
export const RESOURCES_SUMMARY_TOPIC = 'resources.summary';

/** One NUMA node in the summary. */
export interface NumaNodeSummary {
  node: number;
  /** Logical CPUs on it. */
  cpus: number;
  /** Mean busy share of its CPUs over the interval (absent for a node without CPUs). */
  busy?: number;
  memTotalBytes?: number;
  memUsedBytes?: number;
}

/** One whole disk in the summary. */
export interface DiskSummary {
  name: string;
  utilization: number;
  iops: number;
  readBytesPerSecond: number;
  writeBytesPerSecond: number;
  readAwaitMs?: number;
  writeAwaitMs?: number;
}

/** "Full in N days" as the summary carries it. */
export type FullSummary = {
  status: FullEstimate['status'];
  days?: number;
  daysLow?: number;
  daysHigh?: number;
};

/** One filesystem in the summary. */
export interface FilesystemSummary {
  mount: string;
  fstype: string;
  sizeBytes: number;
  availBytes: number;
  /** used / (used + avail), as df shows it. */
  usedRatio: number;
  /** Absent when the filesystem has no fixed inode count. */
  inodesUsedRatio?: number;
  full: FullSummary;
}

/** The periodic `resources.summary` report. */
export interface ResourceSummary {
  v: 1;
  at: number;
  /** Seconds of per-second readings the figures cover. */
  intervalSeconds: number;
  cpu: Detected<{ busy: number; max: number; cores: number }>;
  numa: Detected<{ nodes: NumaNodeSummary[] }>;
  thermal: {
    sensors: Detected<{
      count: number;
      hottest: Pick<TemperatureSensor, 'chip' | 'label' | 'celsius' | 'maxCelsius' | 'criticalCelsius'>;
    }>;
    /** The CPUs' own throttle counters over the last hour. */
    throttle: Detected<{ count: number; throttledMs?: number; lastAt?: number }>;
    /** Busy CPUs held below their maximum frequency over the last hour. */
    frequency: Detected<{
      ratioMin: number;
      ratioMean: number;
      capped: number;
      heldDown: { count: number; lastAt?: number };
    }>;
    gpus: Detected<{
      gpus: Array<{
        index: number;
        name?: string;
        temperatureCelsius?: number;
        slowdownCelsius?: number;
        throttleReasons: GpuThrottleReason[];
      }>;
    }>;
  };
  storage: {
    disks: Detected<{ list: DiskSummary[] }>;
    filesystems: Detected<{ list: FilesystemSummary[] }>;
  };
  health: {
    md: Detected<{
      arrays: Array<{
        name: string;
        level?: string;
        health: string;
        degraded: boolean;
        failed: string[];
        sync?: {
          action: string;
          state: string;
          fraction?: number;
          speedBytesPerSecond?: number;
          etaSeconds?: number;
        };
      }>;
    }>;
    btrfs: Detected<{ filesystems: Array<{ uuid: string; label?: string; totalErrors: number }> }>;
    zfs: Detected<{ pools: Array<{ name: string; health: string }> }>;
    smart: Detected<{ devices: Array<{ device: string; passed?: boolean; reason?: string }> }>;
  };
  /** Sources that could not be read on this interval, with why. */
  failed?: Record<string, string>;
}

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
