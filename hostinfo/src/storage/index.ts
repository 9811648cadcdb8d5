export { IGNORED_BLOCK_DEVICES, parseDiskstats } from './parse-diskstats.js';
export { IGNORED_MOUNTS, type MountEntry, PSEUDO_FSTYPES, parseMounts } from './parse-mounts.js';
export { createFilesystemReader, type FilesystemReader } from './read-filesystems.js';
