/*
 * The shapes of a host's figures as the kernel's `system` capability serves them to plugins
 * (`ctx.system.read(area)`), one interface per area. Plain JSON data.
 */

/**
 * CPU time split by state, in the order of /proc/stat. Guest time is already inside `user`
 * and `nice` (as the kernel counts it). Off Linux, `iowait`, `softirq` and `steal` are 0:
 * `os.cpus()` has no such states there.
 */
export interface CpuTimes {
  user: number;
  nice: number;
  system: number;
  idle: number;
  iowait: number;
  irq: number;
  softirq: number;
  steal: number;
}

/** Usage of one CPU (or of all together). */
export interface CpuUsage {
  /** Share of each state over the interval since the previous read (first read: since boot); sums to 1. */
  fractions: CpuTimes;
  /** Cumulative seconds in each state since boot (node_exporter's `node_cpu_seconds_total`). */
  seconds: CpuTimes;
  /** `1 - idle - iowait` over the same interval, in [0, 1]. */
  busy: number;
}

/** Usage of one logical CPU. */
export interface CoreUsage extends CpuUsage {
  /** Logical CPU number (as in /proc/stat `cpuN`). */
  cpu: number;
}

/** Run-queue load averages (absent where the platform has none, e.g. Windows). */
export interface LoadAverage {
  load1: number;
  load5: number;
  load15: number;
}

/** The `cpu` area. */
export interface CpuStats {
  /** Epoch milliseconds of the read. */
  at: number;
  /** Seconds since the previous read that `fractions` cover; null when they cover the time since boot. */
  intervalSeconds: number | null;
  total: CpuUsage;
  cores: CoreUsage[];
  load?: LoadAverage;
}

/** Swap space, in bytes. */
export interface SwapStats {
  totalBytes: number;
  freeBytes: number;
  usedBytes: number;
}

/** The `memory` area, in bytes. Fields the platform does not report are absent. */
export interface MemoryStats {
  at: number;
  totalBytes: number;
  freeBytes: number;
  /** Estimate of memory available without swapping (Linux MemAvailable). */
  availableBytes?: number;
  buffersBytes?: number;
  cachedBytes?: number;
  /** `total - available` (or `total - free - buffers - cached` when available is unknown). */
  usedBytes: number;
  swap: SwapStats;
}

/** Usage of one mounted filesystem, in bytes. */
export interface FilesystemUsage {
  mount: string;
  device: string;
  fstype: string;
  readOnly: boolean;
  sizeBytes: number;
  usedBytes: number;
  freeBytes: number;
  /** Free bytes an unprivileged user may use (size minus reserved blocks). */
  availBytes: number;
  files?: number;
  filesFree?: number;
}

/** Cumulative IO counters of one block device. Counters the platform does not give are absent. */
export interface BlockDeviceIo {
  name: string;
  readsCompleted: number;
  writesCompleted: number;
  readBytes?: number;
  writtenBytes?: number;
  readTimeSeconds?: number;
  writeTimeSeconds?: number;
  /** Seconds the device had IO in flight (node_exporter's `node_disk_io_time_seconds_total`). */
  ioTimeSeconds?: number;
  ioInProgress?: number;
}

/** The `disk` area. */
export interface DiskStats {
  at: number;
  filesystems: FilesystemUsage[];
  /**
   * When `filesystems` was read (ms since epoch), when that is not `at`: filesystem usage
   * (statfs) may be read less often than the device counters and reused in between.
   */
  filesystemsAt?: number;
  devices: BlockDeviceIo[];
}

/** Cumulative counters of one network interface. */
export interface InterfaceCounters {
  name: string;
  rxBytes: number;
  rxPackets?: number;
  rxErrors: number;
  rxDropped: number;
  txBytes: number;
  txPackets?: number;
  txErrors: number;
  txDropped: number;
}

/** The `network` area. */
export interface NetworkStats {
  at: number;
  interfaces: InterfaceCounters[];
}

/** One temperature sensor, in °C. */
export interface TemperatureSensor {
  /** Chip or zone name (hwmon `name`, thermal zone `type`). */
  chip: string;
  label?: string;
  celsius: number;
  maxCelsius?: number;
  criticalCelsius?: number;
  source: 'hwmon' | 'thermal' | 'systeminformation';
}

/** CPU temperatures picked out of the sensors by their labels. */
export interface CpuTemperatures {
  /** Hottest package sensor (coretemp "Package id N", k10temp Tdie/Tctl, x86_pkg_temp). */
  packageCelsius?: number;
  cores: Array<{ core: number; package?: number; celsius: number }>;
  /** Hottest of all CPU sensors. */
  maxCelsius?: number;
}

/** The `temperature` area. `available: false` (and no sensors) when the host exposes none. */
export interface TemperatureStats {
  at: number;
  available: boolean;
  sensors: TemperatureSensor[];
  cpu: CpuTemperatures;
}

/** One graphics controller. Figures are present only when the source reports them. */
export interface GpuDevice {
  index: number;
  vendor: string;
  model: string;
  busAddress?: string;
  driverVersion?: string;
  memoryTotalBytes?: number;
  memoryUsedBytes?: number;
  /** GPU busy share in [0, 1]. */
  utilization?: number;
  /** Memory controller busy share in [0, 1]. */
  memoryUtilization?: number;
  temperatureCelsius?: number;
  powerWatts?: number;
  powerLimitWatts?: number;
}

/** The `gpu` area. `available: false` with an empty list when there is none. */
export interface GpuStats {
  at: number;
  available: boolean;
  gpus: GpuDevice[];
}

/** One logical CPU's place in the machine (ids absent where the platform does not say). */
export interface LogicalCpu {
  cpu: number;
  socket?: number;
  core?: number;
  node?: number;
}

/** One NUMA node. */
export interface NumaNode {
  node: number;
  cpus: number[];
  memoryTotalBytes?: number;
}

/** The `topology` area: specs that change only on hotplug. */
export interface Topology {
  at: number;
  /** The host's name (`os.hostname()`), so a consumer can name the node it describes. */
  hostname: string;
  vendor: string;
  model: string;
  sockets: number;
  physicalCores: number;
  logicalCores: number;
  cpus: LogicalCpu[];
  /** Empty when the kernel exposes no NUMA information. */
  numaNodes: NumaNode[];
}

/** What each area's read returns. */
export interface SystemAreaData {
  cpu: CpuStats;
  memory: MemoryStats;
  disk: DiskStats;
  network: NetworkStats;
  temperature: TemperatureStats;
  gpu: GpuStats;
  topology: Topology;
}

/** The name of one area (the scope of the `system:read:<area>` permission). */
export type SystemArea = keyof SystemAreaData;

/** Every area read together. */
export type SystemSnapshot = { at: number } & SystemAreaData;
