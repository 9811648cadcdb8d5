import { createRateTracker, type RateTracker } from '../create-rate-tracker.js';
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
export type NetRateTracker = RateTracker<InterfaceCounters, InterfaceRates>;

/** Creates a {@link NetRateTracker} (bounded memory: only the latest reading's interfaces are kept). */
export function createNetRateTracker(): NetRateTracker {
  return createRateTracker(netRates);
}
