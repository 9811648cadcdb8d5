/** Resource limits of one plugin (manifest `limits`, with the kernel's defaults filled in). */
export interface PluginLimits {
  /** Isolate heap limit, MB (isolated-vm minimum 8). */
  memoryMb: number;
  /** Wall-clock deadline of a route/service/event/timer call, ms. */
  callTimeoutMs: number;
  /** Wall-clock deadline of load + activate (and of deactivate), ms. */
  activateTimeoutMs: number;
  /**
   * The plugin's CPU share, millicores (1000 = one core; manifest `limits.cpuMillicores`): the
   * host's cgroup cpu.max where one is writable, else the CPU credit's refill rate.
   */
  cpuMillicores: number;
  /** Longest stay inside the isolate in one entry (a call or a continuation) before the host is killed (`spin`), ms. */
  spinMs: number;
  /** pids.max of the host's cgroup (threads count: an idle host has about a dozen). */
  pidsMax: number;
  /** CPU credit of the host process: burst, CPU-ms. */
  cpuBurstMs: number;
  /**
   * CPU credit refill, CPU-ms per wall second (1000 = one core); defaults to `cpuMillicores`.
   * The credit is the fallback where no cgroup caps the host's CPU.
   */
  cpuRefillPerSec: number;
  /** Largest host-call argument JSON, bytes. */
  maxCallBytes: number;
  /** Host-call argument bytes per second (burst: 4 s worth). */
  callBytesPerSec: number;
  /** Bytes of published events per second (argument JSON of events.publish; burst: 4 s worth). */
  publishBytesPerSec: number;
  /** Log lines per second (burst: 4 s worth); excess lines are dropped and counted. */
  logLinesPerSec: number;
  /** Log argument bytes per second (burst: 4 s worth); excess lines are dropped and counted. */
  logBytesPerSec: number;
  /** Largest result of a call into the plugin, bytes. */
  maxResultBytes: number;
  /** Deepest JSON nesting accepted from the plugin. */
  maxJsonDepth: number;
  /** Host calls of this plugin in flight at once. */
  maxPendingHostCalls: number;
  /** Outbound fetches running at once (more wait in line): each holds a socket and its body. */
  maxInFlightFetches: number;
  /** Password hashes/verifications running at once (more wait): each holds a threadpool thread. */
  maxInFlightPasswordOps: number;
  /** Live event subscriptions. */
  maxSubscriptions: number;
  /** Live timers. */
  maxTimers: number;
  /** Shortest timer period, ms (shorter requests are raised to it). */
  minTimerMs: number;
}

/** The kernel's defaults. */
export const DEFAULT_PLUGIN_LIMITS: Readonly<PluginLimits> = Object.freeze({
  memoryMb: 64,
  callTimeoutMs: 5_000,
  activateTimeoutMs: 10_000,
  cpuMillicores: 500,
  spinMs: 1_000,
  pidsMax: 64,
  cpuBurstMs: 3_000,
  cpuRefillPerSec: 500,
  maxCallBytes: 1_048_576,
  callBytesPerSec: 8_388_608,
  publishBytesPerSec: 262_144,
  logLinesPerSec: 100,
  logBytesPerSec: 65_536,
  maxResultBytes: 4_194_304,
  maxJsonDepth: 64,
  maxPendingHostCalls: 256,
  maxInFlightFetches: 4,
  maxInFlightPasswordOps: 1,
  maxSubscriptions: 64,
  maxTimers: 64,
  minTimerMs: 50,
});

/** Fills unset limits with the defaults and clamps the rest to sane ranges. */
export function resolveLimits(partial: Partial<PluginLimits> = {}): PluginLimits {
  const out = { ...DEFAULT_PLUGIN_LIMITS };
  for (const k of Object.keys(out) as (keyof PluginLimits)[]) {
    const v = partial[k];
    if (typeof v === 'number' && Number.isFinite(v) && v > 0) out[k] = v;
  }
  out.memoryMb = Math.max(8, Math.floor(out.memoryMb));
  if (!(typeof partial.cpuRefillPerSec === 'number' && partial.cpuRefillPerSec > 0))
    out.cpuRefillPerSec = out.cpuMillicores;
  return out;
}

/**
 * The OS cap (RLIMIT_DATA) for a plugin's host process: Node itself plus twice the isolate
 * limit (isolated-vm's limit is soft; ArrayBuffers live outside it and are bounded by this).
 */
export function hostDataLimitBytes(limits: PluginLimits, baseMb: number): number {
  return (baseMb + 2 * limits.memoryMb) * 1024 * 1024;
}
