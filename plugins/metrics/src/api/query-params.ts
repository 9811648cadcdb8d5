import { parseDuration, parseTime } from '../query/parse-time.js';
import {
  AGGREGATIONS,
  type Aggregation,
  MAX_POINTS,
  pickTier,
  type RangeParams,
  stepForPoints,
} from '../query/range-query.js';
import { TIERS } from '../store/tiers.js';

/** A query-string problem: which parameter and why. */
export interface ParamProblem {
  field: string;
  message: string;
}

/**
 * Reads `from`, `to`, `step` or `points`, and `agg` of a range query. Defaults: `to` now, `from`
 * an hour before `to`, `step` the resolution of the finest tier that still holds `from`, `agg`
 * avg. `points=N` (instead of `step`) picks the finest step that answers at most N points — a
 * chart's width in pixels.
 */
export function rangeParams(q: Record<string, string>, now: number): RangeParams | ParamProblem {
  const to = q.to === undefined ? now : parseTime(q.to, now);
  if (to === null)
    return {
      field: 'to',
      message: 'must be epoch ms, an RFC 3339 time with its zone (…Z or …+01:00), "now" or "now-<duration>"',
    };
  const from = q.from === undefined ? to - 3_600_000 : parseTime(q.from, now);
  if (from === null)
    return {
      field: 'from',
      message: 'must be epoch ms, an RFC 3339 time with its zone (…Z or …+01:00), "now" or "now-<duration>"',
    };
  if (from > to) return { field: 'from', message: 'must not be after "to"' };
  let step = TIERS[pickTier(from, now)]?.stepMs ?? 1_000;
  if (q.points !== undefined) {
    if (q.step !== undefined) return { field: 'points', message: 'give either points or step, not both' };
    const n = /^\d{1,6}$/.test(q.points) ? Number(q.points) : Number.NaN;
    if (!(n >= 2 && n <= MAX_POINTS))
      return { field: 'points', message: `must be an integer 2–${MAX_POINTS} (the chart's width in pixels)` };
    step = stepForPoints(from, to, n, now);
  } else if (q.step !== undefined) {
    const s = parseDuration(q.step);
    if (s === null || !(s > 0))
      return { field: 'step', message: 'must be a positive duration such as 1s, 5m, 1h (or ms)' };
    step = s;
  }
  const agg = (q.agg ?? 'avg') as Aggregation;
  if (!AGGREGATIONS.includes(agg))
    return { field: 'agg', message: `must be one of ${AGGREGATIONS.join(', ')}` };
  return { from, to, step, agg };
}

/** Most series one query may answer. */
export const MAX_QUERY_SERIES = 100;
/**
 * Most points one query may answer over all its series: 100 series of 11,000 points each (1.1
 * million, ~27 MB of JSON, ~0.7 s of the plugin's one thread before the copy out) let any viewer
 * hold the plugin near its spin limit; this is still 100 charts 2,500 px wide.
 */
export const MAX_QUERY_POINTS = 250_000;

/**
 * Whether a query of `points` points per series over `series` series is too large to answer:
 * the problem names `step` (or `points`, when the caller chose the points) or `series`.
 */
export function querySize(points: number, series: number, byPoints: boolean): ParamProblem | null {
  if (points > MAX_POINTS)
    return {
      field: 'step',
      message: `the query would return ${points} points per series (at most ${MAX_POINTS}); use a larger step`,
    };
  if (series > MAX_QUERY_SERIES)
    return { field: 'series', message: `matches ${series} series (at most ${MAX_QUERY_SERIES}); add labels` };
  if (points * series > MAX_QUERY_POINTS)
    return {
      field: byPoints ? 'points' : 'step',
      message: `the query would return ${points} points for each of ${series} series (at most ${MAX_QUERY_POINTS} in all); use a larger step, fewer points or more labels`,
    };
  return null;
}

/** True when `x` is a {@link ParamProblem}. */
export function isProblem(x: unknown): x is ParamProblem {
  return x !== null && typeof x === 'object' && 'field' in x && 'message' in x;
}
