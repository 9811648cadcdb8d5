export { createDiskRateTracker, type DiskRateTracker, diskRates } from './disk-rates.js';
export { estimateFull } from './estimate-full.js';
export { parseBlockStat, parseDiskCounters } from './parse-disk-counters.js';
export { IGNORED_BLOCK_DEVICES, parseDiskstats } from './parse-diskstats.js';
export { IGNORED_MOUNTS, type MountEntry, PSEUDO_FSTYPES, parseMounts } from './parse-mounts.js';
export { createFilesystemReader, type FilesystemReader } from './read-filesystems.js';
export { statFilesystem } from './stat-filesystem.js';
export type * from './storage-types.js';
export { t95 } from './t95.js';
