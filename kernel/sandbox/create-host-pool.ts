import type { HostEntry } from './resolve-host-entry.js';
import { type HostProcess, spawnHost } from './spawn-host.js';

/** Pre-spawned plugin-host processes, so a cold start or restart skips Node's ~120 ms start. */
export interface HostPool {
  /** A ready host with this data cap: the warm one when it fits, else a fresh one. */
  take(dataLimitBytes: number): Promise<HostProcess>;
  /** Kills the warm hosts, spawns no more, and waits until every host it spawned has exited. */
  close(): Promise<void>;
  /** Hosts waiting right now. */
  readonly idle: number;
}

/** Options of {@link createHostPool}. */
export interface HostPoolOptions {
  /** Warm hosts kept ready (0 disables the pool). */
  size: number;
  /** RLIMIT_DATA of warm hosts; a plugin needing another cap gets a fresh host. */
  dataLimitBytes: number;
  maxFrameBytes: number;
  /** What hosts run (default: resolveHostEntry()). */
  entry?: HostEntry;
}

/**
 * Keeps `size` hosts spawned and READY. A host serves one plugin once and is never returned:
 * a taken host is replaced in the background.
 */
export function createHostPool(opts: HostPoolOptions): HostPool {
  const warm: HostProcess[] = [];
  /** Every host this pool spawned that has not exited yet (warm, serving, or dying). */
  const live = new Set<HostProcess>();
  let closed = false;

  const spawn = (dataLimitBytes: number): HostProcess => {
    const h = spawnHost({
      dataLimitBytes,
      maxFrameBytes: opts.maxFrameBytes,
      ...(opts.entry ? { entry: opts.entry } : {}),
    });
    live.add(h);
    void h.exited.then(() => live.delete(h));
    return h;
  };

  const refill = (): void => {
    while (!closed && warm.length < opts.size) {
      const h = spawn(opts.dataLimitBytes);
      warm.push(h);
      void h.exited.then(() => {
        const i = warm.indexOf(h);
        if (i >= 0) warm.splice(i, 1);
      });
    }
  };

  const fresh = async (dataLimitBytes: number): Promise<HostProcess> => {
    const h = spawn(dataLimitBytes);
    await h.ready;
    return h;
  };

  refill();
  return {
    async take(dataLimitBytes) {
      if (dataLimitBytes === opts.dataLimitBytes) {
        const h = warm.shift();
        if (h) {
          setImmediate(refill);
          try {
            await h.ready;
            if (h.alive) return h;
          } catch {
            // the warm host died while waiting; fall through to a fresh one
          }
        }
      }
      return fresh(dataLimitBytes);
    },
    async close() {
      closed = true;
      for (const h of warm.splice(0)) h.kill('pool closed');
      await Promise.all([...live].map((h) => h.exited));
    },
    get idle() {
      return warm.length;
    },
  };
}
