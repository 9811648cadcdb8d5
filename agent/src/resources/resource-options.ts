import type { RootOptions, RunCommand } from '@omega/hostinfo';
import type { UsageHistoryOptions } from './storage/usage-history.js';

/** Cadences and sources of the resource reporters (every field optional; defaults in brackets). */
export interface ResourceOptions extends RootOptions {
  /** Runs nvidia-smi, zpool and smartctl (recorded output in tests). */
  run?: RunCommand;
  /** Per-second readings of /proc/stat, diskstats and net/dev [1 s]. */
  sampleEveryMs?: number;
  /** Throttle counters, cpufreq, md, btrfs, filesystems [10 s]. */
  slowEveryMs?: number;
  /** nvidia-smi [30 s; 10 min once found missing]. */
  gpuEveryMs?: number;
  /** zpool [5 min]. */
  zfsEveryMs?: number;
  /** smartctl [10 min]. */
  smartEveryMs?: number;
  /** The `resources.summary` and `net.interfaces` reports [60 s]. */
  reportEveryMs?: number;
  /** The window of "throttled N times in the last hour" [1 h]. */
  throttleWindowMs?: number;
  /** Filesystem usage history for "full in N days" (file, cadence, window). */
  usage?: UsageHistoryOptions;
  /** A health change (md, btrfs, zfs, SMART, throttling) is reported at once, but at most this often [5 s]. */
  changeMinGapMs?: number;
  /** statfs on one mount may take this long before the mount is skipped [2 s]. */
  statfsTimeoutMs?: number;
  /** Monotonic clock of the per-second rates, ms [performance.now]: tests play time with it. */
  monotonicNow?: () => number;
}

/** The options with every default filled in. */
export type ResolvedResourceOptions = Required<
  Pick<
    ResourceOptions,
    | 'sampleEveryMs'
    | 'slowEveryMs'
    | 'gpuEveryMs'
    | 'zfsEveryMs'
    | 'smartEveryMs'
    | 'reportEveryMs'
    | 'throttleWindowMs'
    | 'changeMinGapMs'
    | 'statfsTimeoutMs'
  >
>;

/** Fills the defaults. */
export function resolveResourceOptions(o: ResourceOptions): ResolvedResourceOptions {
  return {
    sampleEveryMs: o.sampleEveryMs ?? 1_000,
    slowEveryMs: o.slowEveryMs ?? 10_000,
    gpuEveryMs: o.gpuEveryMs ?? 30_000,
    zfsEveryMs: o.zfsEveryMs ?? 300_000,
    smartEveryMs: o.smartEveryMs ?? 600_000,
    reportEveryMs: o.reportEveryMs ?? 60_000,
    throttleWindowMs: o.throttleWindowMs ?? 3_600_000,
    changeMinGapMs: o.changeMinGapMs ?? 5_000,
    statfsTimeoutMs: o.statfsTimeoutMs ?? 2_000,
  };
}
