import { createRateTracker, type RateTracker } from '../create-rate-tracker.js';
import type { DiskCounters, DiskRates } from './storage-types.js';

const SECTOR_BYTES = 512;

/** Counter growth; a counter that went down was reset (device re-created): count from 0. */
const grew = (before: number, after: number): number => (after >= before ? after - before : after);

const ratio = (num: number, den: number): number => (den > 0 ? num / den : 0);

/**
 * What `iostat -x` reports for one device between two readings `seconds` apart (sysstat 12's
 * formulas: rates are deltas over the interval; await = ticks / IOs; request size = sectors /
 * IOs; aqu-sz = weighted ticks / interval; %util = IO ticks / interval). Pure: no clock, no state.
 */
export function diskRates(prev: DiskCounters, next: DiskCounters, seconds: number): DiskRates {
  const d = (k: keyof DiskCounters): number => grew(prev[k] as number, next[k] as number);
  const per = (n: number) => ratio(n, seconds);
  const rIos = d('readIos');
  const wIos = d('writeIos');
  const rMerges = d('readMerges');
  const wMerges = d('writeMerges');
  const rSectors = d('readSectors');
  const wSectors = d('writeSectors');
  const rates: DiskRates = {
    name: next.name,
    intervalSeconds: seconds,
    readsPerSecond: per(rIos),
    writesPerSecond: per(wIos),
    readBytesPerSecond: per(rSectors * SECTOR_BYTES),
    writeBytesPerSecond: per(wSectors * SECTOR_BYTES),
    readMergesPerSecond: per(rMerges),
    writeMergesPerSecond: per(wMerges),
    readMergedFraction: ratio(rMerges, rMerges + rIos),
    writeMergedFraction: ratio(wMerges, wMerges + wIos),
    readAwaitMs: ratio(d('readTicksMs'), rIos),
    writeAwaitMs: ratio(d('writeTicksMs'), wIos),
    readRequestBytes: ratio(rSectors * SECTOR_BYTES, rIos),
    writeRequestBytes: ratio(wSectors * SECTOR_BYTES, wIos),
    queueSize: per(d('timeInQueueMs')) / 1000,
    utilization: per(d('ioTicksMs')) / 1000,
  };
  if (prev.discardIos !== undefined && next.discardIos !== undefined) {
    const dIos = d('discardIos');
    const dMerges = d('discardMerges');
    const dSectors = d('discardSectors');
    rates.discardsPerSecond = per(dIos);
    rates.discardBytesPerSecond = per(dSectors * SECTOR_BYTES);
    rates.discardMergesPerSecond = per(dMerges);
    rates.discardMergedFraction = ratio(dMerges, dMerges + dIos);
    rates.discardAwaitMs = ratio(d('discardTicksMs'), dIos);
    rates.discardRequestBytes = ratio(dSectors * SECTOR_BYTES, dIos);
  }
  if (prev.flushIos !== undefined && next.flushIos !== undefined) {
    const fIos = d('flushIos');
    rates.flushesPerSecond = per(fIos);
    rates.flushAwaitMs = ratio(d('flushTicksMs'), fIos);
  }
  return rates;
}

/** Keeps the previous reading per device and turns each new reading into {@link DiskRates}. */
export type DiskRateTracker = RateTracker<DiskCounters, DiskRates>;

/** Creates a {@link DiskRateTracker} (bounded memory: only the latest reading's devices are kept). */
export function createDiskRateTracker(): DiskRateTracker {
  return createRateTracker(diskRates);
}
