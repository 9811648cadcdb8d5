export { parseBtrfsDeviceStats, parseBtrfsErrorStats } from './parse-btrfs-device-stats.js';
export { parseMdstat } from './parse-mdstat.js';
export { parseSmartctl, parseSmartctlScan } from './parse-smartctl.js';
export { parseZpoolList, parseZpoolStatus } from './parse-zpool.js';
export type * from './raid-types.js';
export { readBtrfs } from './read-btrfs.js';
export { readMdstat } from './read-mdstat.js';
export { readSmart } from './read-smart.js';
export { readZpools } from './read-zpools.js';
