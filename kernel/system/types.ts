import type {
  CpuStats,
  DiskStats,
  GpuStats,
  SystemArea as HostinfoArea,
  MemoryStats,
  NetworkStats,
  SystemAreaData,
  SystemSnapshot,
  TemperatureStats,
  Topology,
} from '@omega/hostinfo';
import type { SystemArea, SystemSampleResult } from '@omega/protocol';

export type {
  BlockDeviceIo,
  CoreUsage,
  CpuStats,
  CpuTemperatures,
  CpuTimes,
  CpuUsage,
  DiskStats,
  FilesystemUsage,
  GpuDevice,
  GpuStats,
  InterfaceCounters,
  LoadAverage,
  LogicalCpu,
  MemoryStats,
  NetworkStats,
  NumaNode,
  SwapStats,
  SystemAreaData,
  SystemSnapshot,
  TemperatureSensor,
  TemperatureStats,
  Topology,
} from '@omega/hostinfo';
export type { SystemArea } from '@omega/protocol';

/** Compile-time check: the permission's areas and @omega/hostinfo's area shapes name the same set. */
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const areasAgree: Same<SystemArea, HostinfoArea> = true;
void areasAgree;

/**
 * Host metrics for the kernel and, through the `system:read:<area>` permission, for plugins.
 * Every method returns plain, frozen JSON data; concurrent calls within `cacheMs` share one read.
 */
export interface SystemInfo {
  cpu(): Promise<CpuStats>;
  memory(): Promise<MemoryStats>;
  disk(): Promise<DiskStats>;
  network(): Promise<NetworkStats>;
  temperature(): Promise<TemperatureStats>;
  gpu(): Promise<GpuStats>;
  topology(): Promise<Topology>;
  /** One area by name (what the capability bridge calls); unknown names are rejected. */
  read<A extends SystemArea>(area: A): Promise<SystemAreaData[A]>;
  /**
   * Several areas at once (what `system.sample` calls): each area's reading under its name in
   * `data`, or its error under its name in `errors` — one failing area does not fail the rest.
   * Unknown or repeated names are rejected as a whole.
   */
  sample(areas: readonly SystemArea[]): Promise<SystemSampleResult>;
  snapshot(): Promise<SystemSnapshot>;
}
