import { join } from 'node:path';
import {
  type CoreUsage,
  type CpuUsage,
  createCpuTracker,
  createDiskRateTracker,
  createNetRateTracker,
  createSyncFileReader,
  type DiskRates,
  IGNORED_BLOCK_DEVICES,
  type InterfaceRates,
  parseDiskCounters,
  parseNetDev,
  parseProcStat,
} from '@omega/hostinfo';

/** One reading of the per-second sources; a source that could not be read is absent with why. */
export interface SecondReading {
  /** Epoch ms. */
  at: number;
  /** CPU usage since the previous reading (absent on the first one and when /proc/stat is unreadable). */
  cpu?: { total: CpuUsage; cores: CoreUsage[] };
  /** Whole disks, iostat -x figures since the previous reading. */
  disks?: DiskRates[];
  /** Interfaces' rates since the previous reading. */
  network?: InterfaceRates[];
  /** Sources that could not be read, with why (`/proc/diskstats: ENOENT`). */
  failed: Record<string, string>;
}

/** Reads the per-second sources once per call. */
export interface SecondReader {
  read(): SecondReading;
}

/**
 * The per-second path of the reporters: /proc/stat, /proc/diskstats and /proc/net/dev read
 * synchronously into one reused buffer (no spawn), turned into rates against the previous
 * reading by @omega/hostinfo's trackers. Unlike hostinfo's `createSecondSampler`, each source is
 * optional: a container without /proc/diskstats still reports CPU, and the missing source is
 * named instead of failing the whole reading.
 */
export function createSecondReader(
  procRoot: string,
  now: () => number = () => performance.now(),
): SecondReader {
  const file = createSyncFileReader();
  const cpu = createCpuTracker();
  const disks = createDiskRateTracker();
  const nets = createNetRateTracker();
  let first = true;
  const paths = {
    stat: join(procRoot, 'stat'),
    diskstats: join(procRoot, 'diskstats'),
    netdev: join(procRoot, 'net/dev'),
  };
  return {
    read() {
      const t = now();
      const at = Date.now();
      const failed: Record<string, string> = {};
      const text = (path: string): string | undefined => {
        try {
          return file.read(path);
        } catch (err) {
          failed[path] = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
          return undefined;
        }
      };
      const out: SecondReading = { at, failed };
      const stat = text(paths.stat);
      if (stat !== undefined) {
        const stats = cpu.next(parseProcStat(stat), undefined, at);
        if (!first) out.cpu = { total: stats.total, cores: stats.cores };
      }
      const diskstats = text(paths.diskstats);
      if (diskstats !== undefined)
        out.disks = disks.next(parseDiskCounters(diskstats, IGNORED_BLOCK_DEVICES), t);
      const netdev = text(paths.netdev);
      if (netdev !== undefined) out.network = nets.next(parseNetDev(netdev), t);
      first = false;
      return out;
    },
  };
}
