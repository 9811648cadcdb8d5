import {
  memoryFromMeminfo as hostMemoryFromMeminfo,
  parseLoadavg as hostParseLoadavg,
  parseProcStat as hostParseProcStat,
} from '@omega/hostinfo';
import { asSystemRead } from './system-read-error.js';

/*
 * The kernel's `system` capability. The pure /proc and /sys readers live in @omega/hostinfo
 * (shared with the node agent); they are re-exported here so this module's API is unchanged.
 */
export {
  type CpuTimesSample,
  type CpuTracker,
  cpuFractions,
  cpuTemperatures,
  createCpuTracker,
  createFilesystemReader,
  createTemperatureReader,
  createTextReader,
  type FilesystemReader,
  type GroupedSensor,
  IGNORED_BLOCK_DEVICES,
  IGNORED_MOUNTS,
  type MountEntry,
  PSEUDO_FSTYPES,
  parseCpuList,
  parseDiskstats,
  parseMeminfo,
  parseMounts,
  parseNetDev,
  USER_HZ,
} from '@omega/hostinfo';
export { createSystemInfo, type SystemInfoOptions } from './create-system-info.js';
export { deepFreeze } from './deep-freeze.js';
export type { HostSource, ReadText } from './host-source.js';
export { createProcSource, type ProcSourceOptions } from './proc-source.js';
export { readGpus, toGpuStats } from './read-gpus.js';
export { linuxTopologyKey, readLinuxTopology } from './read-linux-topology.js';
export { shared } from './shared.js';
export { createSiSource } from './si-source.js';
export { asSystemRead, toSystemReadError } from './system-read-error.js';
export type * from './types.js';

/** Parses /proc/stat (see @omega/hostinfo); a malformed file throws `OMEGA_ERR_SYSTEM_READ`. */
export const parseProcStat = asSystemRead(hostParseProcStat);
/** Parses /proc/loadavg (see @omega/hostinfo); a malformed file throws `OMEGA_ERR_SYSTEM_READ`. */
export const parseLoadavg = asSystemRead(hostParseLoadavg);
/** Builds the `memory` area from /proc/meminfo fields; missing totals throw `OMEGA_ERR_SYSTEM_READ`. */
export const memoryFromMeminfo = asSystemRead(hostMemoryFromMeminfo);
