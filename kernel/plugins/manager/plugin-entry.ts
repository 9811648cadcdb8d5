import type { OmegaError } from '../../errors/index.js';
import type { PluginInstance } from '../../sandbox/index.js';
import type { DiscoveredPlugin } from '../discover-plugins.js';

/** What the manager keeps per plugin: what was found on disk, why it may not run, and what it registered. */
export interface Entry {
  found: DiscoveredPlugin;
  reasons: OmegaError[];
  instance?: PluginInstance;
  /**
   * Undo of every route registration, run in reverse when a stop begins (no new calls) — or, in
   * a restart, when the new start mounts its own (meanwhile they answer 503 "restarting").
   */
  undo: Array<() => void>;
  /**
   * Undo of every service registration, run once a stop has drained and disposed the plugin:
   * until then a call to its services answers OMEGA_ERR_PLUGIN_UNAVAILABLE ("stopping"), after
   * it OMEGA_ERR_NOT_FOUND.
   */
  unprovide: Array<() => void>;
  /** A stop is under way: calls in flight finish, new service calls are refused as unavailable. */
  stopping: boolean;
  /**
   * A reload or an upgrade is under way (from its stop until the new copy started or failed):
   * the routes answer 503 "restarting" with Retry-After, not "not running" and never 404.
   */
  restarting: boolean;
  /** Calls into the plugin (routes, services) not yet answered. */
  inflight: number;
  /** Resolvers waiting for `inflight` to reach 0. */
  idle: Array<() => void>;
  /** What `track` hangs on each call: pass the result or error on and count the call as ended (made once per entry). */
  ended: { ok: (v: unknown) => unknown; fail: (err: unknown) => never };
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
  const e: Entry = {
    found,
    reasons,
    undo: [],
    unprovide: [],
    stopping: false,
    restarting: false,
    inflight: 0,
    idle: [],
    ended: {
      ok: (v) => {
        settled(e);
        return v;
      },
      fail: (err) => {
        settled(e);
        throw err;
      },
    },
    queue: Promise.resolve(),
    providesAuth: false,
    providesAgentGateway: false,
  };
  return e;
}

/** One call into the plugin ended: wakes whoever waits for none to be in flight. */
function settled(e: Entry): void {
  // A call is never left twice; were one, the count must not go below 0 and let a stop pass a call in flight.
  if (e.inflight > 0) e.inflight--;
  if (e.inflight === 0 && e.idle.length > 0) for (const wake of e.idle.splice(0)) wake();
}

/** Counts calls into one plugin by hand: `enter` when one starts, `leave` once when it ended. */
export interface CallCount {
  enter(): void;
  leave(): void;
}

/**
 * The {@link CallCount} of an entry, for a caller that continues the call anyway (the plugin
 * route): it counts the call as {@link track} does, without the promise `track` adds per call.
 */
export function callCount(e: Entry): CallCount {
  return {
    enter: () => {
      e.inflight++;
    },
    leave: () => settled(e),
  };
}

/**
 * Counts a call into the plugin while it runs, so a stop can let it finish. Not an async
 * function, and its two handlers are made once per entry (`Entry.ended`): per call it adds one promise (the
 * `then`) where the async version made a promise, a suspended generator and an await's
 * reaction, and a wake-up list copy each time the count fell to 0 (~0.9 KB a plugin route
 * request, sampled allocation profile of the kernel at 1,000 req/s; issue #13).
 */
export function track<T>(e: Entry, call: () => Promise<T>): Promise<T> {
  e.inflight++;
  let running: Promise<T>;
  try {
    running = call();
  } catch (err) {
    settled(e);
    return Promise.reject(err);
  }
  return running.then(e.ended.ok as (v: T) => T, e.ended.fail);
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
