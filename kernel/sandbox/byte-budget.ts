/** A bytes-per-second budget: a bucket of `burst` bytes refilled at `perSec`. */
export interface ByteBudget {
  /** Takes `bytes` from the bucket; false (and nothing taken) when there is not enough. */
  take(bytes: number): boolean;
}

/** Creates a {@link ByteBudget}; `now` (ms) is injectable for tests. */
export function createByteBudget(perSec: number, burst: number, now: () => number = Date.now): ByteBudget {
  let level = burst;
  let last = now();
  return {
    take(bytes) {
      const t = now();
      level = Math.min(burst, level + ((t - last) / 1000) * perSec);
      last = t;
      if (bytes > level) return false;
      level -= bytes;
      return true;
    },
  };
}
