import { type HostProcess, spawnHost } from './spawn-host.js';

/** Pre-spawned plugin-host processes, so a cold start or restart skips Node's ~120 ms start. */
export interface HostPool {
  /** A ready host with this data cap: the warm one when it fits, else a fresh one. */
  take(dataLimitBytes: number): Promise<HostProcess>;
  /** Kills the warm hosts and spawns no more. */
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
}

/**
 * Keeps `size` hosts spawned and READY. A host serves one plugin once and is never returned:
 * a taken host is replaced in the background.
 */
export function createHostPool(opts: HostPoolOptions): HostPool {
  const warm: HostProcess[] = [];
  let closed = false;

  const refill = (): void => {
    while (!closed && warm.length < opts.size) {
      const h = spawnHost({ dataLimitBytes: opts.dataLimitBytes, maxFrameBytes: opts.maxFrameBytes });
      warm.push(h);
      void h.exited.then(() => {
        const i = warm.indexOf(h);
        if (i >= 0) warm.splice(i, 1);
      });
    }
  };

  const fresh = async (dataLimitBytes: number): Promise<HostProcess> => {
    const h = spawnHost({ dataLimitBytes, maxFrameBytes: opts.maxFrameBytes });
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
      const all = warm.splice(0);
      for (const h of all) h.kill('pool closed');
      await Promise.all(all.map((h) => h.exited));
    },
    get idle() {
      return warm.length;
    },
  };
}
