import type { Detected } from '../detected.js';

/** Every cumulative counter /proc/diskstats gives for one block device (sectors are 512 bytes). */
export interface DiskCounters {
  name: string;
  major: number;
  minor: number;
  readIos: number;
  readMerges: number;
  readSectors: number;
  readTicksMs: number;
  writeIos: number;
  writeMerges: number;
  writeSectors: number;
  writeTicksMs: number;
  /** IOs in flight now (a gauge, not a counter). */
  inFlight: number;
  /** Milliseconds the device had IO in flight (for utilisation). */
  ioTicksMs: number;
  /** Weighted milliseconds of IO in flight (for the average queue size). */
  timeInQueueMs: number;
  discardIos?: number;
  discardMerges?: number;
  discardSectors?: number;
  discardTicksMs?: number;
  flushIos?: number;
  flushTicksMs?: number;
}

/**
 * One device's activity over an interval, computed as `iostat -x` does (sysstat 12). The
 * iostat column each field matches is in its comment; bytes where iostat says kB, fractions where
 * it says %.
 */
export interface DiskRates {
  name: string;
  /** Seconds the rates cover. */
  intervalSeconds: number;
  /** r/s */
  readsPerSecond: number;
  /** w/s */
  writesPerSecond: number;
  /** d/s (absent on kernels before 4.18) */
  discardsPerSecond?: number;
  /** f/s (absent on kernels before 5.5) */
  flushesPerSecond?: number;
  /** rkB/s × 1024 */
  readBytesPerSecond: number;
  /** wkB/s × 1024 */
  writeBytesPerSecond: number;
  /** dkB/s × 1024 */
  discardBytesPerSecond?: number;
  /** rrqm/s */
  readMergesPerSecond: number;
  /** wrqm/s */
  writeMergesPerSecond: number;
  /** drqm/s */
  discardMergesPerSecond?: number;
  /** %rrqm / 100: share of read requests merged before reaching the device */
  readMergedFraction: number;
  /** %wrqm / 100 */
  writeMergedFraction: number;
  /** %drqm / 100 */
  discardMergedFraction?: number;
  /** r_await: mean ms a read took, queue included (0 when there was none) */
  readAwaitMs: number;
  /** w_await */
  writeAwaitMs: number;
  /** d_await */
  discardAwaitMs?: number;
  /** f_await */
  flushAwaitMs?: number;
  /** rareq-sz × 1024: mean read size */
  readRequestBytes: number;
  /** wareq-sz × 1024 */
  writeRequestBytes: number;
  /** dareq-sz × 1024 */
  discardRequestBytes?: number;
  /** aqu-sz: mean number of requests queued or in service */
  queueSize: number;
  /** %util / 100: share of the interval the device was busy (can pass 1 on devices serving in parallel) */
  utilization: number;
}

/** Free space and inodes of one filesystem, from statfs(2). */
export interface FilesystemSpace {
  path: string;
  sizeBytes: number;
  freeBytes: number;
  /** Free bytes an unprivileged user may use. */
  availBytes: number;
  usedBytes: number;
  /** Inodes: absent (`files: 0`) on filesystems without a fixed inode table (btrfs reports 0). */
  inodes: Detected<{ total: number; free: number; used: number }>;
}

/** One (time, used bytes) sample of a filesystem. */
export interface UsageSample {
  /** Epoch milliseconds. */
  at: number;
  usedBytes: number;
}

/** When a filesystem fills, from a least-squares trend over its usage history. */
export type FullEstimate =
  | {
      status: 'filling';
      /** Bytes per day, the fitted trend. */
      bytesPerDay: number;
      /** Days from the last sample until used reaches size, on the fitted trend. */
      days: number;
      /** 95 % confidence interval of `days` (from the slope's interval). */
      daysLow: number;
      daysHigh: number;
      samples: number;
    }
  | { status: 'not-filling'; reason: string; bytesPerDay: number; samples: number }
  | { status: 'unknown'; reason: string; samples: number };
