import { join } from 'node:path';
import {
  createFilesystemReader,
  createTemperatureReader,
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

/** Options of {@link createProcSource}. */
export interface ProcSourceOptions {
  procRoot: string;
  sysRoot: string;
  readText: ReadText;
  statfsTimeoutMs: number;
  /** The mount table (/proc/mounts) is read again after this many ms (statfs runs every read). */
  mountsRecheckMs: number;
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
      return { at, filesystems: await filesystems(entries), devices: parseDiskstats(diskstats) };
    },
    async network() {
      return { at: Date.now(), interfaces: parseNetDev(await proc('net/dev')) };
    },
    temperature,
    topologyKey: () => linuxTopologyKey(o.sysRoot, o.readText),
    topology: () => readLinuxTopology(o.sysRoot, o.readText),
  };
}
