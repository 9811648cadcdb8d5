import type { OmegaError } from '../../errors/index.js';
import type { PluginInstance } from '../../sandbox/index.js';
import type { DiscoveredPlugin } from '../discover-plugins.js';

/** What the manager keeps per plugin: what was found on disk, why it may not run, and what it registered. */
export interface Entry {
  found: DiscoveredPlugin;
  reasons: OmegaError[];
  instance?: PluginInstance;
  /** Undo of every registration (routes, services), run in reverse on stop. */
  undo: Array<() => void>;
  /** Calls into the plugin (routes, services) not yet answered. */
  inflight: number;
  /** Resolvers waiting for `inflight` to reach 0. */
  idle: Array<() => void>;
  /** Lifecycle operations on this plugin, one at a time. */
  queue: Promise<unknown>;
  /**
   * May answer the kernel's authentication questions: declares the auth-provider service and
   * holds `auth:provider` (declared ∩ granted, not denied). Decided once per start.
   */
  providesAuth: boolean;
  /** Declares the agent-gateway service and holds agents:gateway (decided once per start). */
  providesAgentGateway: boolean;
}

/** A new entry for a plugin found on disk. */
export function createEntry(found: DiscoveredPlugin, reasons: OmegaError[]): Entry {
  return {
    found,
    reasons,
    undo: [],
    inflight: 0,
    idle: [],
    queue: Promise.resolve(),
    providesAuth: false,
    providesAgentGateway: false,
  };
}

/** Counts a call into the plugin while it runs, so a stop can let it finish. */
export async function track<T>(e: Entry, call: () => Promise<T>): Promise<T> {
  e.inflight++;
  try {
    return await call();
  } finally {
    e.inflight--;
    if (e.inflight === 0) for (const wake of e.idle.splice(0)) wake();
  }
}

/** Resolves when no call into the plugin is in flight, or after `maxMs`. */
export function drain(e: Entry, maxMs: number): Promise<void> {
  if (e.inflight === 0) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, maxMs);
    timer.unref();
    e.idle.push(() => {
      clearTimeout(timer);
      resolve();
    });
  });
}

/** Runs `op` after every earlier lifecycle operation on the same plugin has settled. */
export function serially<T>(e: Entry, op: () => Promise<T>): Promise<T> {
  const run = e.queue.then(op, op);
  e.queue = run.catch(() => {});
  return run;
}
