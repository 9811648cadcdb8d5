import type { Detected } from '../detected.js';
import type { CpuTemperatures, TemperatureSensor } from '../types.js';

/** Every temperature sensor with its thresholds, absent with why (e.g. "no thermal sensors exposed"). */
export type ThermalReading = Detected<{ at: number; sensors: TemperatureSensor[]; cpu: CpuTemperatures }>;

/** One logical CPU's core throttle counter (x86 `thermal_throttle`, cumulative since boot). */
export interface CoreThrottle {
  cpu: number;
  package?: number;
  core?: number;
  /** Times this core went above its thermal limit and was throttled. */
  count: number;
  /** Milliseconds spent throttled (kernel 5.7+). */
  totalMs?: number;
}

/** One package's throttle counter (shared by its CPUs; read from the first of them). */
export interface PackageThrottle {
  package: number;
  count: number;
  totalMs?: number;
}

/** Throttle counters at one moment. Deltas between two readings are throttle events. */
export interface ThrottleCounters {
  /** Epoch ms of the reading. */
  at: number;
  cores: CoreThrottle[];
  packages: PackageThrottle[];
}

/** Throttle counters, absent with why (no x86 thermal_throttle in sysfs: VMs, most ARM). */
export type ThrottleReading = Detected<ThrottleCounters>;

/** One rise of a throttle counter between two readings: it happened in (from, to]. */
export interface ThrottleEvent {
  from: number;
  to: number;
  scope: 'core' | 'package';
  /** CPU number for `core`, package id for `package`. */
  id: number;
  count: number;
  /** Milliseconds throttled in the interval, when the kernel gives total time. */
  ms?: number;
}

/** What a plugin needs to say "throttled N times in the last hour, last at T". */
export interface ThrottleSummary {
  windowMs: number;
  /** Throttle events (counter increments) whose interval ends inside the window. */
  count: number;
  /** Milliseconds throttled inside the window (where the kernel gives time). */
  throttledMs?: number;
  /** End of the latest interval with a rise, if any. */
  lastAt?: number;
  events: ThrottleEvent[];
}

/** One logical CPU's frequency (cpufreq). */
export interface CpuFrequency {
  cpu: number;
  currentHz: number;
  /** Hardware maximum (`cpuinfo_max_freq`). */
  maxHz: number;
  minHz?: number;
  /** The policy's ceiling (`scaling_max_freq`): an operator or a thermal/power daemon may lower it. */
  policyMaxHz?: number;
  /** The firmware's limit (`bios_limit`), where the driver gives one. */
  biosLimitHz?: number;
  /** currentHz / maxHz. */
  ratio: number;
  governor?: string;
  driver?: string;
  /** True when the policy or the firmware caps the CPU below its hardware maximum. */
  capped: boolean;
}

/** CPU frequencies, absent with why (e.g. "no cpufreq: the VM exposes none"). */
export type FrequencyReading = Detected<{ at: number; cpus: CpuFrequency[] }>;

/** Why an NVIDIA GPU's clocks are held down now (`clocks_throttle_reasons.*` that are Active). */
export type GpuThrottleReason =
  | 'gpu_idle'
  | 'applications_clocks_setting'
  | 'sw_power_cap'
  | 'hw_slowdown'
  | 'hw_thermal_slowdown'
  | 'hw_power_brake_slowdown'
  | 'sw_thermal_slowdown'
  | 'sync_boost';

/** Temperature, clocks and throttle reasons of one NVIDIA GPU, as nvidia-smi reports them. */
export interface GpuThermal {
  index: number;
  uuid?: string;
  name?: string;
  busId?: string;
  temperatureCelsius?: number;
  memoryTemperatureCelsius?: number;
  /** Slowdown and shutdown thresholds, where the board reports them (`-q -x`). */
  slowdownCelsius?: number;
  shutdownCelsius?: number;
  smClockMhz?: number;
  smClockMaxMhz?: number;
  powerWatts?: number;
  powerLimitWatts?: number;
  /** GPU busy share in [0, 1]. */
  utilization?: number;
  /** The raw `clocks_throttle_reasons.active` bit mask. */
  throttleMask?: number;
  /** Reasons reported Active. Empty = running at full clocks; `gpu_idle` alone is not a problem. */
  throttleReasons: GpuThrottleReason[];
}

/** NVIDIA GPUs, absent with why ("nvidia-smi not installed", or its own error line). */
export type GpuThermalReading = Detected<{ at: number; gpus: GpuThermal[] }>;
