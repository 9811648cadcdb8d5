import { join } from 'node:path';
import {
  createFilesystemReader,
  createTemperatureReader,
  type FilesystemUsage,
  type MountEntry,
  memoryFromMeminfo,
  parseDiskstats,
  parseLoadavg,
  parseMeminfo,
  parseMounts,
  parseNetDev,
  parseProcStat,
} from '@omega/hostinfo';
import { OmegaError } from '../errors/index.js';
import type { Logger } from '../log/index.js';
import type { HostSource, ReadText } from './host-source.js';
import { linuxTopologyKey, readLinuxTopology } from './read-linux-topology.js';
import { toSystemReadError } from './system-read-error.js';

/**
 * A sampler's tick comes a few ms early or late: usage read within this much of
 * `filesystemsRecheckMs` ago is read again, so 1000 at a 1 s period means every read and 5000
 * every fifth.
 */
const RECHECK_SLACK_MS = 250;

/** Options of {@link createProcSource}. */
export interface ProcSourceOptions {
  procRoot: string;
  sysRoot: string;
  readText: ReadText;
  statfsTimeoutMs: number;
  /** The mount table (/proc/mounts) is read again after this many ms. */
  mountsRecheckMs: number;
  /**
   * Filesystem usage (statfs of every mount) is read again after this many ms, and reused in
   * between with the time it was read (`filesystemsAt`); 0 reads it every time.
   */
  filesystemsRecheckMs: number;
  logger?: Logger;
}

/**
 * The Linux source: reads /proc and /sys directly through @omega/hostinfo's parsers, spawns
 * nothing (cheap enough for 1 Hz). Their errors surface as `OMEGA_ERR_SYSTEM_READ`.
 */
export function createProcSource(o: ProcSourceOptions): HostSource {
  const proc = async (rel: string): Promise<string> => {
    const path = join(o.procRoot, rel);
    try {
      return await o.readText(path);
    } catch (err) {
      throw new OmegaError(
        'OMEGA_ERR_SYSTEM_READ',
        `Cannot read ${path}: ${(err as Error).message}`,
        { source: path },
        { cause: err },
      );
    }
  };
  const parsed = <T>(parse: () => T): T => {
    try {
      return parse();
    } catch (err) {
      throw toSystemReadError(err);
    }
  };
  const filesystems = createFilesystemReader(o.statfsTimeoutMs, o.logger);
  // The mount table rarely changes; reading and parsing it every second was a third of the disk read.
  let mounts: { entries: MountEntry[]; readAt: number } | undefined;
  const mountTable = async (): Promise<MountEntry[]> => {
    const now = performance.now();
    if (mounts && now - mounts.readAt < o.mountsRecheckMs) return mounts.entries;
    const text = await proc('mounts');
    const entries = parsed(() => parseMounts(text));
    mounts = { entries, readAt: now };
    return entries;
  };
  // Usage changes slowly, and statfs of every mount costs pool threads and wake-ups each pass.
  let usage:
    | { entries: MountEntry[]; filesystems: FilesystemUsage[]; at: number; readAt: number }
    | undefined;
  const filesystemUsage = async (
    entries: MountEntry[],
  ): Promise<{ filesystems: FilesystemUsage[]; at: number }> => {
    const now = performance.now();
    if (usage && usage.entries === entries && now - usage.readAt < o.filesystemsRecheckMs - RECHECK_SLACK_MS)
      return usage;
    const at = Date.now();
    const fs = await filesystems(entries);
    usage = { entries, filesystems: fs, at, readAt: now };
    return usage;
  };
  const temperature = createTemperatureReader(o.sysRoot, o.readText, o.logger);

  return {
    async cpu() {
      const [stat, loadavg] = await Promise.all([proc('stat'), proc('loadavg')]);
      return parsed(() => ({ sample: parseProcStat(stat), load: parseLoadavg(loadavg) }));
    },
    async memory() {
      const text = await proc('meminfo');
      return parsed(() => memoryFromMeminfo(parseMeminfo(text), Date.now()));
    },
    async disk() {
      const [entries, diskstats] = await Promise.all([mountTable(), proc('diskstats')]);
      const at = Date.now();
      const fs = await filesystemUsage(entries);
      return { at, filesystems: fs.filesystems, filesystemsAt: fs.at, devices: parseDiskstats(diskstats) };
    },
    async network() {
      return { at: Date.now(), interfaces: parseNetDev(await proc('net/dev')) };
    },
    temperature,
    topologyKey: () => linuxTopologyKey(o.sysRoot, o.readText),
    topology: () => readLinuxTopology(o.sysRoot, o.readText),
  };
}
