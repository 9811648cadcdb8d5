import type { ThrottleCounters, ThrottleEvent, ThrottleSummary } from './thermal-types.js';

/** Turns successive throttle counter readings into events, kept in a bounded log. */
export interface ThrottleLog {
  /** Adds a reading; returns the events it revealed (counter rises since the previous reading). */
  record(counters: ThrottleCounters): ThrottleEvent[];
  /** Events whose interval ends in (now − windowMs, now]: "throttled N times in the last hour". */
  summary(now: number, windowMs: number): ThrottleSummary;
}

const key = (scope: ThrottleEvent['scope'], id: number) => `${scope}:${id}`;

/**
 * Creates a {@link ThrottleLog} holding at most `capacity` events (oldest dropped first), so its
 * memory is bounded whatever the cadence. A counter that went down (reboot, CPU re-onlined) starts
 * a new baseline and counts nothing.
 */
export function createThrottleLog(capacity = 1024): ThrottleLog {
  let prev: { at: number; values: Map<string, { count: number; ms?: number }> } | undefined;
  const events: ThrottleEvent[] = [];

  const rise = (
    out: ThrottleEvent[],
    scope: ThrottleEvent['scope'],
    id: number,
    count: number,
    ms: number | undefined,
    to: number,
  ) => {
    const before = prev?.values.get(key(scope, id));
    if (!prev || !before || count <= before.count) return;
    const e: ThrottleEvent = { from: prev.at, to, scope, id, count: count - before.count };
    if (ms !== undefined && before.ms !== undefined && ms >= before.ms) e.ms = ms - before.ms;
    out.push(e);
  };

  return {
    record(c) {
      const found: ThrottleEvent[] = [];
      const values = new Map<string, { count: number; ms?: number }>();
      for (const core of c.cores) {
        rise(found, 'core', core.cpu, core.count, core.totalMs, c.at);
        values.set(key('core', core.cpu), {
          count: core.count,
          ...(core.totalMs === undefined ? {} : { ms: core.totalMs }),
        });
      }
      for (const p of c.packages) {
        rise(found, 'package', p.package, p.count, p.totalMs, c.at);
        values.set(key('package', p.package), {
          count: p.count,
          ...(p.totalMs === undefined ? {} : { ms: p.totalMs }),
        });
      }
      prev = { at: c.at, values };
      events.push(...found);
      if (events.length > capacity) events.splice(0, events.length - capacity);
      return found;
    },
    summary(now, windowMs) {
      const inWindow = events.filter((e) => e.to > now - windowMs && e.to <= now);
      const summary: ThrottleSummary = {
        windowMs,
        count: inWindow.reduce((s, e) => s + e.count, 0),
        events: inWindow,
      };
      const timed = inWindow.filter((e) => e.ms !== undefined);
      if (timed.length > 0) summary.throttledMs = timed.reduce((s, e) => s + e.ms!, 0);
      if (inWindow.length > 0) summary.lastAt = Math.max(...inWindow.map((e) => e.to));
      return summary;
    },
  };
}
