import type { SystemArea } from '@omega/protocol';
import type { HostServices } from './host-services.js';

/** What a host function gets besides its arguments: the caller (from the channel) and its runtime. */
export interface HostEnv {
  readonly plugin: { readonly name: string; readonly version: string };
  readonly services: HostServices;
  /** Aborts when the plugin's session ends (crash, stop, dispose): in-flight work should stop. */
  readonly signal: AbortSignal;
  /** Subscribes the plugin on the bus (kernel-filtered, batched delivery); returns the id. */
  subscribe(pattern: string): number;
  /** Undoes one of this plugin's subscriptions; false when it has none with that id. */
  unsubscribe(id: number): boolean;
  /**
   * Starts a kernel-owned timer delivered as `timer` calls; returns the id. With `sample`, each
   * tick carries a reading of those areas taken when it fires (each area's grant checked again).
   */
  addTimer(ms: number, once: boolean, sample?: readonly SystemArea[]): number;
  /** Cancels one of this plugin's timers; false when it has none with that id. */
  cancelTimer(id: number): boolean;
}
