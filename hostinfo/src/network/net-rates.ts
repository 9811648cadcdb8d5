import type { InterfaceCounters } from '../types.js';
import type { InterfaceRates } from './network-types.js';

/** Growth of a counter; one that went down (interface re-created, 32-bit wrap) restarts from 0. */
const grew = (before: number | undefined, after: number | undefined): number =>
  before === undefined || after === undefined ? 0 : after >= before ? after - before : after;

/** Rates of one interface between two readings `seconds` apart. Pure. */
export function netRates(prev: InterfaceCounters, next: InterfaceCounters, seconds: number): InterfaceRates {
  const per = (a: number | undefined, b: number | undefined) => (seconds > 0 ? grew(a, b) / seconds : 0);
  return {
    name: next.name,
    intervalSeconds: seconds,
    rxBytesPerSecond: per(prev.rxBytes, next.rxBytes),
    txBytesPerSecond: per(prev.txBytes, next.txBytes),
    rxPacketsPerSecond: per(prev.rxPackets, next.rxPackets),
    txPacketsPerSecond: per(prev.txPackets, next.txPackets),
    rxErrorsPerSecond: per(prev.rxErrors, next.rxErrors),
    txErrorsPerSecond: per(prev.txErrors, next.txErrors),
    rxDroppedPerSecond: per(prev.rxDropped, next.rxDropped),
    txDroppedPerSecond: per(prev.txDropped, next.txDropped),
  };
}

/** Keeps the previous /proc/net/dev reading and turns each new one into {@link InterfaceRates}. */
export interface NetRateTracker {
  /** Rates since the previous call (new interfaces join on the next call); `at` is monotonic ms. */
  next(counters: readonly InterfaceCounters[], at: number): InterfaceRates[];
}

/** Creates a {@link NetRateTracker} that remembers only the latest reading's interfaces (bounded memory). */
export function createNetRateTracker(): NetRateTracker {
  let prev = new Map<string, InterfaceCounters>();
  let prevAt: number | undefined;
  return {
    next(counters, at) {
      const seconds = prevAt === undefined ? 0 : (at - prevAt) / 1000;
      const out: InterfaceRates[] = [];
      const seen = new Map<string, InterfaceCounters>();
      for (const c of counters) {
        seen.set(c.name, c);
        const before = prev.get(c.name);
        if (before && seconds > 0) out.push(netRates(before, c, seconds));
      }
      prev = seen;
      prevAt = at;
      return out;
    },
  };
}
