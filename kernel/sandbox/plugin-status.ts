import type { LoadedPlugin } from './host-session.js';

/** Lifecycle states of a sandboxed plugin. */
export type PluginState = 'starting' | 'running' | 'crashed' | 'backoff' | 'quarantined' | 'stopped';

/** A state change, for the kernel to publish and audit. */
export interface PluginStatusEvent {
  plugin: string;
  version: string;
  state: PluginState;
  /** Why (crash reason, quarantine reason); absent for ordinary transitions. */
  reason?: string;
  /** Epoch ms. */
  at: number;
  restarts: number;
}

/** Everything the kernel shows about one plugin's runtime. */
export interface PluginStatus {
  plugin: string;
  version: string;
  state: PluginState;
  /** Epoch ms of the last state change. */
  since: number;
  /** Host process id while one is assigned. */
  pid?: number;
  restarts: number;
  /** Crashes within the restart policy's window. */
  recentCrashes: number;
  lastCrash?: { at: number; reason: string };
  /** Why the plugin is quarantined or stopped. */
  reason?: string;
  /** What the bundle exports (names), once loaded. */
  exports?: LoadedPlugin;
  /** Event or timer deliveries that failed inside the plugin. */
  deliveryErrors: number;
  lastDeliveryError?: { kind: 'event' | 'timer'; code: string; message: string; at: number };
  /** Host calls refused by the permission gate. */
  deniedCalls: number;
  registrations: { subscriptions: number; timers: number };
}
