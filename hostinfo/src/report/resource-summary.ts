import type { Detected } from '../detected.js';
import type { FullEstimate } from '../storage/storage-types.js';
import type { GpuThrottleReason } from '../thermal/thermal-types.js';
import type { TemperatureSensor } from '../types.js';

/*
 * The periodic `resources.summary` report as it crosses the wire: the agent builds it from these
 * readers and the resources plugin reads it (docs/resources.md). It is written once, here, because
 * both sides already depend on this package and on nothing else they share. Anything a machine
 * does not have is `{ available: false, reason }`, never zeros.
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
  /** Lists the sender cut to keep the report under its size bound. */
  truncated?: string[];
}
