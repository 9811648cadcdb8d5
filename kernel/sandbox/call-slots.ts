import { HOST_CALLS, type HostCallGroup, type HostCallName } from '@omega/protocol';
import type { PluginLimits } from './plugin-limits.js';

/** The plugin limit bounding each concurrency group of the protocol (HOST_CALLS[…].group). */
const GROUP_LIMITS: { [G in HostCallGroup]: 'maxInFlightFetches' | 'maxInFlightPasswordOps' } = {
  // Each fetch holds a socket and up to the body cap of kernel memory.
  fetch: 'maxInFlightFetches',
  // Each password op holds one of libuv's few threadpool threads for tens of milliseconds.
  password: 'maxInFlightPasswordOps',
};

const limitOf = (name: HostCallName): 'maxInFlightFetches' | 'maxInFlightPasswordOps' | undefined => {
  const group = (HOST_CALLS[name] as { group?: HostCallGroup }).group;
  return group === undefined ? undefined : GROUP_LIMITS[group];
};

/** Per-plugin concurrency of expensive host calls. */
export interface CallSlots {
  /**
   * Resolves a release function once call `name` may run (immediately for calls without a
   * group); waits in FIFO order otherwise. Rejects with `signal.reason` if the plugin's
   * session ends while waiting.
   */
  acquire(name: HostCallName, signal: AbortSignal): Promise<() => void>;
}

const noop = (): void => {};

/** Creates one plugin's {@link CallSlots}: a queue per group, sized by the plugin's limits. */
export function createCallSlots(limits: PluginLimits): CallSlots {
  const groups = new Map<string, { active: number; queue: (() => void)[] }>();
  return {
    acquire(name, signal) {
      const key = limitOf(name);
      if (key === undefined) return Promise.resolve(noop);
      if (signal.aborted) return Promise.reject(signal.reason);
      let g = groups.get(key);
      if (!g) {
        g = { active: 0, queue: [] };
        groups.set(key, g);
      }
      const group = g;
      let released = false;
      const release = (): void => {
        if (released) return;
        released = true;
        const next = group.queue.shift();
        if (next) next();
        else group.active--;
      };
      if (group.active < Math.max(1, limits[key])) {
        group.active++;
        return Promise.resolve(release);
      }
      return new Promise((resolve, reject) => {
        const grant = (): void => {
          signal.removeEventListener('abort', onAbort);
          resolve(release);
        };
        const onAbort = (): void => {
          const i = group.queue.indexOf(grant);
          if (i >= 0) group.queue.splice(i, 1);
          reject(signal.reason);
        };
        signal.addEventListener('abort', onAbort, { once: true });
        group.queue.push(grant);
      });
    },
  };
}
