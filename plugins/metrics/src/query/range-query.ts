import type { RingTier } from '../store/ring-tier.js';
import type { SeriesHistory } from '../store/series-history.js';
import { AVG, MAX, MIN, TIERS } from '../store/tiers.js';
import { quantile } from './quantile.js';

/** Aggregations a range query can ask for. */
export const AGGREGATIONS = ['avg', 'min', 'max', 'p95'] as const;
/** One aggregation. */
export type Aggregation = (typeof AGGREGATIONS)[number];

/** A validated range query (epoch ms; `step` in ms). */
export interface RangeParams {
  from: number;
  to: number;
  step: number;
  agg: Aggregation;
}

/** The answer for one series: `[epochMs, value | null]` points, null where no data. */
export interface RangeResult {
  tier: 'raw' | 'minute' | 'hour';
  /** The step used, ms (raised to the tier's resolution when asked finer). */
  step: number;
  from: number;
  to: number;
  agg: Aggregation;
  /** True for p95 over minute/hour buckets: it is the p95 of the bucket averages. */
  approximate: boolean;
  points: Array<[number, number | null]>;
}

/** Most points one query may return (as Prometheus' 11,000). */
export const MAX_POINTS = 11_000;

/**
 * Index of the finest tier whose window, ending at `now`, still reaches back to `from`
 * (the coarsest when none does).
 */
export function pickTier(from: number, now: number): number {
  for (let i = 0; i < TIERS.length; i++) {
    const t = TIERS[i];
    if (!t) continue;
    const oldest = (Math.floor(now / t.stepMs) - t.capacity + 1) * t.stepMs;
    if (from >= oldest) return i;
  }
  return TIERS.length - 1;
}

/** The step a query will use: at least the tier's resolution, in whole tier buckets. */
export function effectiveStep(step: number, tierStepMs: number): number {
  return Math.max(1, Math.ceil(step / tierStepMs)) * tierStepMs;
}

/** Runs a range query over one series' history. Callers check the point count first (see {@link countPoints}). */
export function rangeQuery(history: SeriesHistory, p: RangeParams, now: number): RangeResult {
  const tierIndex = pickTier(p.from, now);
  const spec = TIERS[tierIndex] ?? TIERS[0];
  const tier = history.tiers[tierIndex] as RingTier;
  const step = effectiveStep(p.step, spec.stepMs);
  const start = Math.floor(p.from / step) * step;
  const per = step / spec.stepMs;
  const raw = tierIndex === 0;
  const points: Array<[number, number | null]> = [];
  const scratch: number[] = [];
  for (let t = start; t <= p.to; t += step) {
    const first = t / spec.stepMs;
    let min = Number.POSITIVE_INFINITY;
    let max = Number.NEGATIVE_INFINITY;
    let sum = 0;
    let n = 0;
    scratch.length = 0;
    for (let b = first; b < first + per; b++) {
      const avg = tier.get(b, raw ? 0 : AVG);
      if (Number.isNaN(avg)) continue;
      const lo = raw ? avg : tier.get(b, MIN);
      const hi = raw ? avg : tier.get(b, MAX);
      if (lo < min) min = lo;
      if (hi > max) max = hi;
      sum += avg;
      n++;
      if (p.agg === 'p95') scratch.push(avg);
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
    approximate: p.agg === 'p95' && !raw,
    points,
  };
}

/** How many points {@link rangeQuery} would return for `p`. */
export function countPoints(p: RangeParams, now: number): number {
  const spec = TIERS[pickTier(p.from, now)] ?? TIERS[0];
  const step = effectiveStep(p.step, spec.stepMs);
  const start = Math.floor(p.from / step) * step;
  return p.to < start ? 0 : Math.floor((p.to - start) / step) + 1;
}
