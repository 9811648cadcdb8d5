/** One resolution of history. */
export interface TierSpec {
  name: 'raw' | 'minute' | 'hour' | '10min' | '2h';
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

/**
 * The tiers of a remote node's series (from the load its agent's heartbeats carry, published
 * every ~10 s): 30 s for the last hour, 10 min for the last day, 2 h for the last week, one
 * number (the average) per bucket, each with one step of the next tier as slack — 392 floats,
 * 1,568 bytes per series, so ten thousand nodes of 7 series fit in ~110 MB (docs/nodes.md).
 */
export const REMOTE_TIERS: readonly [TierSpec, TierSpec, TierSpec] = [
  { name: 'raw', stepMs: 30_000, capacity: 140 },
  { name: '10min', stepMs: 600_000, capacity: 156 },
  { name: '2h', stepMs: 7_200_000, capacity: 96 },
];

/** Index of the bucket minimum in a slot of an aggregated tier. */
export const MIN = 0;
/** Index of the bucket average in a slot of an aggregated tier. */
export const AVG = 1;
/** Index of the bucket maximum in a slot of an aggregated tier. */
export const MAX = 2;
