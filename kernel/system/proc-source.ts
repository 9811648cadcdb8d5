import { join } from 'node:path';
import { OmegaError } from '../errors/index.js';
import type { Logger } from '../log/index.js';
import type { HostSource, ReadText } from './host-source.js';
import { parseDiskstats } from './parse-diskstats.js';
import { parseLoadavg } from './parse-loadavg.js';
import { memoryFromMeminfo, parseMeminfo } from './parse-meminfo.js';
import { parseMounts } from './parse-mounts.js';
import { parseNetDev } from './parse-net-dev.js';
import { parseProcStat } from './parse-proc-stat.js';
import { createFilesystemReader } from './read-filesystems.js';
import { linuxTopologyKey, readLinuxTopology } from './read-linux-topology.js';
import { createTemperatureReader } from './read-temperatures.js';

/** Options of {@link createProcSource}. */
export interface ProcSourceOptions {
  procRoot: string;
  sysRoot: string;
  readText: ReadText;
  statfsTimeoutMs: number;
  logger?: Logger;
}

/** The Linux source: reads /proc and /sys directly, spawns nothing (cheap enough for 1 Hz). */
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
  const filesystems = createFilesystemReader(o.statfsTimeoutMs, o.logger);
  const temperature = createTemperatureReader(o.sysRoot, o.readText, o.logger);

  return {
    async cpu() {
      const [stat, loadavg] = await Promise.all([proc('stat'), proc('loadavg')]);
      return { sample: parseProcStat(stat), load: parseLoadavg(loadavg) };
    },
    async memory() {
      return memoryFromMeminfo(parseMeminfo(await proc('meminfo')), Date.now());
    },
    async disk() {
      const [mounts, diskstats] = await Promise.all([proc('mounts'), proc('diskstats')]);
      const at = Date.now();
      return { at, filesystems: await filesystems(parseMounts(mounts)), devices: parseDiskstats(diskstats) };
    },
    async network() {
      return { at: Date.now(), interfaces: parseNetDev(await proc('net/dev')) };
    },
    temperature,
    topologyKey: () => linuxTopologyKey(o.sysRoot, o.readText),
    topology: () => readLinuxTopology(o.sysRoot, o.readText),
  };
}
