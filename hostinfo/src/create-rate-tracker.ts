/** Keeps the previous reading per name and turns each new reading into rates. */
export interface RateTracker<C extends { name: string }, R> {
  /**
   * Rates since the previous call for every entry of `counters` (entries seen for the first time
   * join on the next call). `at` is a monotonic time in ms (e.g. performance.now()).
   */
  next(counters: readonly C[], at: number): R[];
}

/**
 * Creates a {@link RateTracker} around a pure `rate(prev, next, seconds)`. It remembers only the
 * entries of the latest reading, so a host whose devices come and go does not grow its memory.
 */
export function createRateTracker<C extends { name: string }, R>(
  rate: (prev: C, next: C, seconds: number) => R,
): RateTracker<C, R> {
  let prev = new Map<string, C>();
  let prevAt: number | undefined;
  return {
    next(counters, at) {
      const seconds = prevAt === undefined ? 0 : (at - prevAt) / 1000;
      const out: R[] = [];
      const seen = new Map<string, C>();
      for (const c of counters) {
        seen.set(c.name, c);
        const before = prev.get(c.name);
        if (before && seconds > 0) out.push(rate(before, c, seconds));
      }
      prev = seen;
      prevAt = at;
      return out;
    },
  };
}
