import type { EnforcedCaps } from './cgroup/create-host-cgroup.js';
import type { CgroupMode } from './cgroup/host-cgroup-layout.js';
import type { LoadedPlugin } from './host-session.js';

/**
 * Lifecycle states of a sandboxed plugin. `activating` covers taking a host, loading the
 * bundle and running activate(); `status().activatingMs` says for how long so far.
 */
export type PluginState = 'activating' | 'running' | 'crashed' | 'backoff' | 'quarantined' | 'stopped';

/**
 * Why a plugin's host ended: `spin` (stayed inside the isolate past spinMs), `cpu` (CPU credit
 * exhausted, where no cgroup caps it), `memory` (isolate heap limit or the cgroup's OOM kill),
 * `deadline` (a call, load or activation outlived its wall-clock deadline), `protocol` (the host
 * broke the frame protocol), `crash` (it ended by itself), `operator` (stopped, disabled, reloaded).
 */
export type PluginKillCause = 'spin' | 'cpu' | 'memory' | 'deadline' | 'protocol' | 'crash' | 'operator';

/** A state change, for the kernel to publish and audit. */
export interface PluginStatusEvent {
  plugin: string;
  version: string;
  state: PluginState;
  /** Why (crash reason, quarantine reason); absent for ordinary transitions. */
  reason?: string;
  /** What ended the host, on `crashed`, `backoff`, `quarantined` and `stopped`. */
  cause?: PluginKillCause;
  /** Epoch ms. */
  at: number;
  restarts: number;
}

/** How a plugin's host is held to its limits: by which mechanism, and what is not enforced. */
export interface PluginContainment {
  /** The cgroup layout hosts run in (`none`: no cgroup, the fallbacks below apply). */
  cgroup: CgroupMode;
  /** The CPU share in millicores (1000 = one core). */
  cpuMillicores: number;
  /** How each cap is enforced: a cgroup file, or the fallback (`cpu credit`, `RLIMIT_DATA`). */
  enforced: EnforcedCaps;
  /** What is not enforced by the OS here, and why. */
  notEnforced: string[];
  /** The host's cgroup directory per role, while it runs (cpu.stat is read there). */
  paths?: Record<string, string>;
}

/** Everything the kernel shows about one plugin's runtime. */
export interface PluginStatus {
  plugin: string;
  version: string;
  state: PluginState;
  /** Epoch ms of the last state change. */
  since: number;
  /** While `activating`: ms since it began (host start, load and activate). */
  activatingMs?: number;
  /** While `activating`: taking a host (spawn, cgroup), loading the bundle, or running activate(). */
  activationPhase?: 'host start' | 'load' | 'activate';
  /** Host process id while one is assigned. */
  pid?: number;
  restarts: number;
  /** Crashes within the restart policy's window. */
  recentCrashes: number;
  lastCrash?: { at: number; reason: string; cause: PluginKillCause };
  /** Why the plugin is quarantined or stopped. */
  reason?: string;
  /** What ended the last host (with `reason`), when it ended. */
  cause?: PluginKillCause;
  /** What the bundle exports (names), once loaded. */
  exports?: LoadedPlugin;
  /** Event or timer deliveries that failed inside the plugin. */
  deliveryErrors: number;
  lastDeliveryError?: { kind: 'event' | 'timer'; code: string; message: string; at: number };
  /** Host calls refused by the permission gate. */
  deniedCalls: number;
  registrations: { subscriptions: number; timers: number };
  containment: PluginContainment;
}
