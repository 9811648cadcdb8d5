/** One resolution of history. */
export interface TierSpec {
  name: 'raw' | 'minute' | 'hour';
  stepMs: number;
  capacity: number;
}

/**
 * 1 s for the last hour, 1 min for the last day, 1 h for the last 30 days — each with one
 * step of the next tier as slack (1 h + 1 min, 1 day + 1 h, 30 days + 1 day), so a query for
 * exactly "the last hour" at 1 s still finds its first bucket in the raw tier.
 */
export const TIERS: readonly [TierSpec, TierSpec, TierSpec] = [
  { name: 'raw', stepMs: 1_000, capacity: 3_660 },
  { name: 'minute', stepMs: 60_000, capacity: 1_500 },
  { name: 'hour', stepMs: 3_600_000, capacity: 744 },
];

/** Index of the bucket minimum in a slot of an aggregated tier. */
export const MIN = 0;
/** Index of the bucket average in a slot of an aggregated tier. */
export const AVG = 1;
/** Index of the bucket maximum in a slot of an aggregated tier. */
export const MAX = 2;
