import { join } from 'node:path';
import { createCpuTracker } from '../cpu/cpu-tracker.js';
import { parseLoadavg } from '../cpu/parse-loadavg.js';
import { parseProcStat } from '../cpu/parse-proc-stat.js';
import { HostinfoError } from '../errors/index.js';
import { createSyncFileReader } from '../io/sync-file-reader.js';
import { memoryFromMeminfo, parseMeminfo } from '../memory/parse-meminfo.js';
import { createNetRateTracker } from '../network/net-rates.js';
import type { InterfaceRates } from '../network/network-types.js';
import { parseNetDev } from '../network/parse-net-dev.js';
import { createDiskRateTracker } from '../storage/disk-rates.js';
import { parseDiskCounters } from '../storage/parse-disk-counters.js';
import { IGNORED_BLOCK_DEVICES } from '../storage/parse-diskstats.js';
import type { DiskRates } from '../storage/storage-types.js';
import type { CpuStats, MemoryStats } from '../types.js';

/** One reading of the 1 s path. */
export interface SecondSample {
  /** Epoch ms. */
  at: number;
  /** Total and per-core usage since the previous reading (first: since boot), with load averages. */
  cpu: CpuStats;
  memory: MemoryStats;
  /** iostat -x figures per whole disk since the previous reading (empty on the first). */
  disks: DiskRates[];
  /** Rates per interface since the previous reading (empty on the first). */
  network: InterfaceRates[];
}

/** Options of {@link createSecondSampler}. */
export interface SecondSamplerOptions {
  /** Root of the tree to read (default `/`). */
  root?: string;
  /** procfs root (default `<root>/proc`). */
  procRoot?: string;
  /** Block devices to leave out (default: partitions, loop, ram, zram, like node_exporter). */
  ignoreDevices?: RegExp;
  /** Monotonic clock in ms for the intervals (default performance.now). */
  now?: () => number;
}

/** Reads the per-second figures. */
export interface SecondSampler {
  /** Reads /proc/stat, /proc/loadavg, /proc/meminfo, /proc/diskstats and /proc/net/dev once. */
  sample(): SecondSample;
}

/**
 * The 1 s path: five procfs files read synchronously into one reused buffer, parsed, and turned
 * into rates against the previous reading. It spawns nothing, calls no systeminformation, and
 * keeps only the previous reading (its memory does not grow with time or with devices that come
 * and go). Synchronous on purpose: procfs reads are kernel memory copies of microseconds, and a
 * thread-pool hop per file costs more than the read. Throws `HOSTINFO_ERR_READ` naming the file.
 */
export function createSecondSampler(options: SecondSamplerOptions = {}): SecondSampler {
  const proc = options.procRoot ?? join(options.root ?? '/', 'proc');
  const paths = {
    stat: join(proc, 'stat'),
    loadavg: join(proc, 'loadavg'),
    meminfo: join(proc, 'meminfo'),
    diskstats: join(proc, 'diskstats'),
    netdev: join(proc, 'net/dev'),
  };
  const ignore = options.ignoreDevices ?? IGNORED_BLOCK_DEVICES;
  const now = options.now ?? (() => performance.now());
  const file = createSyncFileReader();
  const cpu = createCpuTracker();
  const disks = createDiskRateTracker();
  const net = createNetRateTracker();
  const read = (path: string): string => {
    try {
      return file.read(path);
    } catch (err) {
      throw new HostinfoError('HOSTINFO_ERR_READ', `Cannot read ${path}: ${(err as Error).message}`, path, {
        cause: err,
      });
    }
  };
  return {
    sample() {
      const t = now();
      const at = Date.now();
      const stat = read(paths.stat);
      const load = read(paths.loadavg);
      const mem = read(paths.meminfo);
      const diskstats = read(paths.diskstats);
      const netdev = read(paths.netdev);
      return {
        at,
        cpu: cpu.next(parseProcStat(stat), parseLoadavg(load), at),
        memory: memoryFromMeminfo(parseMeminfo(mem), at),
        disks: disks.next(parseDiskCounters(diskstats, ignore), t),
        network: net.next(parseNetDev(netdev), t),
      };
    },
  };
}
