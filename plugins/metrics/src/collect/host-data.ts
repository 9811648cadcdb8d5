/*
 * The shapes `ctx.system.read(area)` answers, as the kernel's system capability defines them.
 * Type-only: nothing of the kernel ends up in the plugin bundle.
 */
export type {
  CpuStats,
  CpuTimes,
  DiskStats,
  GpuStats,
  MemoryStats,
  NetworkStats,
  SystemArea,
  SystemAreaData,
  TemperatureStats,
  Topology,
} from '../../../../kernel/system/types.js';
