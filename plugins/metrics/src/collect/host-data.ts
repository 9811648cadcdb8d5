/*
 * The shapes `ctx.system.read(area)` answers, as @omega/hostinfo defines them for the kernel's
 * system capability. Type-only: nothing of hostinfo ends up in the plugin bundle.
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
} from '@omega/hostinfo';
