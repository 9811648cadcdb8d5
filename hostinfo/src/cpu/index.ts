export { type CpuTracker, cpuFractions, createCpuTracker } from './cpu-tracker.js';
export { formatCpuList, parseCpuList } from './parse-cpu-list.js';
export { parseLoadavg } from './parse-loadavg.js';
export { type CpuTimesSample, parseProcStat, USER_HZ } from './parse-proc-stat.js';
export { type CpuLayout, linuxTopologyKey, readCpuLayout } from './read-cpu-layout.js';
