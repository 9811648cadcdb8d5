export { numaLoad } from './numa-load.js';
export type * from './numa-types.js';
export { nodeMemory, parseNodeMeminfo } from './parse-node-meminfo.js';
export { readNuma } from './read-numa.js';
