import type { History } from '../store/history.js';
import type { RingTier } from '../store/ring-tier.js';
import { AVG, MAX, MIN, TIERS, type TierSpec } from '../store/tiers.js';
import { quantile } from './quantile.js';

/**
 * Aggregations a range query can ask for. `minmax` answers avg, min and max of each bucket in
 * one point, so a chart decimated to its width still shows every spike.
 */
export const AGGREGATIONS = ['avg', 'min', 'max', 'p95', 'minmax'] as const;
/** One aggregation. */
export type Aggregation = (typeof AGGREGATIONS)[number];

/** A validated range query (epoch ms; `step` in ms). */
export interface RangeParams {
  from: number;
  to: number;
  step: number;
  agg: Aggregation;
}

/** One point: `[epochMs, value]`, or `[epochMs, avg, min, max]` for `minmax`; null where no data. */
export type RangePoint = [number, number | null] | [number, number | null, number | null, number | null];

/** The answer for one series: one point per step, null values where no data. */
export interface RangeResult {
  tier: TierSpec['name'];
  /** The step used, ms (raised to the tier's resolution when asked finer). */
  step: number;
  from: number;
  to: number;
  agg: Aggregation;
  /**
   * True for p95 over aggregated buckets (the p95 of the bucket averages), and for min/max/p95
   * over a remote node's coarse tiers (which keep only averages).
   */
  approximate: boolean;
  points: RangePoint[];
}

/** Most points one query may return (as Prometheus' 11,000). */
export const MAX_POINTS = 11_000;

/**
 * Index of the finest tier (of `specs`, default the host's) whose window, ending at `now`,
 * still reaches back to `from` (the coarsest when none does).
 */
export function pickTier(from: number, now: number, specs: readonly TierSpec[] = TIERS): number {
  for (let i = 0; i < specs.length; i++) {
    const t = specs[i];
    if (!t) continue;
    const oldest = (Math.floor(now / t.stepMs) - t.capacity + 1) * t.stepMs;
    if (from >= oldest) return i;
  }
  return specs.length - 1;
}

/** The step a query will use: at least the tier's resolution, in whole tier buckets. */
export function effectiveStep(step: number, tierStepMs: number): number {
  return Math.max(1, Math.ceil(step / tierStepMs)) * tierStepMs;
}

/** Runs a range query over one series' history. Callers check the point count first (see {@link countPoints}). */
export function rangeQuery(history: History, p: RangeParams, now: number): RangeResult {
  const specs = history.specs;
  const tierIndex = pickTier(p.from, now, specs);
  const spec = specs[tierIndex] ?? specs[0];
  const tier = history.tiers[tierIndex] as RingTier;
  const step = effectiveStep(p.step, spec.stepMs);
  const start = Math.floor(p.from / step) * step;
  const per = step / spec.stepMs;
  // Raw buckets, and every bucket of a compact history, hold one number.
  const single = tierIndex === 0 || tier.fields === 1;
  const points: RangePoint[] = [];
  const scratch: number[] = [];
  // Only the buckets the ring holds are read: a step of years over the 1 s tier spans ~10^8
  // buckets per point, all outside its hour, which held the plugin's one thread past its limit.
  // So a query reads at most the ring's capacity plus a bucket per point.
  for (let t = start; t <= p.to; t += step) {
    const first = t / spec.stepMs;
    let min = Number.POSITIVE_INFINITY;
    let max = Number.NEGATIVE_INFINITY;
    let sum = 0;
    let n = 0;
    scratch.length = 0;
    const end = Math.min(first + per, tier.head + 1);
    for (let b = Math.max(first, tier.oldest); b < end; b++) {
      const avg = tier.get(b, single ? 0 : AVG);
      if (Number.isNaN(avg)) continue;
      const lo = single ? avg : tier.get(b, MIN);
      const hi = single ? avg : tier.get(b, MAX);
      if (lo < min) min = lo;
      if (hi > max) max = hi;
      sum += avg;
      n++;
      if (p.agg === 'p95') scratch.push(avg);
    }
    if (p.agg === 'minmax') {
      points.push(n > 0 ? [t, sum / n, min, max] : [t, null, null, null]);
      continue;
    }
    let v: number | null = null;
    if (n > 0) {
      if (p.agg === 'avg') v = sum / n;
      else if (p.agg === 'min') v = min;
      else if (p.agg === 'max') v = max;
      else v = quantile(scratch, 0.95);
    }
    points.push([t, v]);
  }
  return {
    tier: spec.name,
    step,
    from: start,
    to: p.to,
    agg: p.agg,
    approximate: tierIndex > 0 && (p.agg === 'p95' || (tier.fields === 1 && p.agg !== 'avg')),

    points,
  };
}

/**
 * The step that keeps a query at most `points` points (≥ 2) from `from` to `to`: buckets are
 * aligned to the step, so the first may start before `from`, hence `points - 1` intervals.
 */
export function stepForPoints(from: number, to: number, points: number, now: number): number {
  const spec = TIERS[pickTier(from, now)] ?? TIERS[0];
  return effectiveStep(Math.max(1, Math.ceil((to - from + 1) / (points - 1))), spec.stepMs);
}

/** How many points {@link rangeQuery} would return for `p`. */
export function countPoints(p: RangeParams, now: number): number {
  const spec = TIERS[pickTier(p.from, now)] ?? TIERS[0];
  const step = effectiveStep(p.step, spec.stepMs);
  const start = Math.floor(p.from / step) * step;
  return p.to < start ? 0 : Math.floor((p.to - start) / step) + 1;
}
