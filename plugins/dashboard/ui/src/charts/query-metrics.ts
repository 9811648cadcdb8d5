import type { JsonReader } from '../api/json-reader.js';
import type { ChartData, ChartSeries } from './chart-data.js';
import type { TimeWindow } from './time-range.js';

/** One series of a range answer: `[t, value]`, or `[t, avg, min, max]` with `agg=minmax`. */
export interface RangeSeries {
  id: string;
  name: string;
  node: string;
  labels: Record<string, string>;
  unit: string;
  points: Array<[number, number | null] | [number, number | null, number | null, number | null]>;
}

/** `GET /api/v1/metrics/query`. */
export interface RangeAnswer {
  tier: string;
  step: number;
  from: number;
  to: number;
  agg: string;
  /** With `agg=minmax`: `["t", "avg", "min", "max"]`. */
  columns?: string[];
  /** A remote node's coarse tiers keep only averages: min and max are approximate. */
  approximate?: boolean;
  results: RangeSeries[];
}

/** The most points the metrics API answers per series (docs/metrics.md). */
export const MAX_POINTS = 11000;

/**
 * Reads one range query for a selector, decimated by the server to at most `points` points
 * per series (the finest step that fits), each `[t, avg, min, max]` of its bucket.
 */
export function queryMinMax(
  api: JsonReader,
  series: string,
  w: TimeWindow,
  points: number,
  signal?: AbortSignal,
): Promise<RangeAnswer> {
  const q = new URLSearchParams({
    series,
    from: String(Math.floor(w.from)),
    to: String(Math.floor(w.to)),
    points: String(Math.min(MAX_POINTS, Math.max(2, Math.floor(points)))),
    agg: 'minmax',
  });
  return api.get<RangeAnswer>(`/metrics/query?${q}`, signal);
}

/**
 * A chart's data for `series` over `w` in one request (`agg=minmax&points=<width in px>`): the
 * average per bucket, plus the min and max of each bucket as a band, so a chart never draws
 * more points than pixels and a peak between two pixels is still drawn. `label` names a series
 * from its labels.
 */
export async function loadChart(
  api: JsonReader,
  series: string,
  w: TimeWindow,
  points: number,
  label: (s: RangeSeries) => string,
  signal?: AbortSignal,
): Promise<ChartData & { step: number; tier: string }> {
  const a = await queryMinMax(api, series, w, points, signal);
  const first = a.results[0];
  const times = first ? first.points.map((p) => p[0]) : [];
  const col = (p: RangeSeries['points'][number], i: number): number | null => p[i] ?? null;
  const out: ChartSeries[] = a.results.map((r) => ({
    label: label(r),
    values: r.points.map((p) => col(p, 1)),
    min: r.points.map((p) => col(p, 2)),
    max: r.points.map((p) => col(p, 3)),
  }));
  return { times, unit: first?.unit ?? '', series: out, step: a.step, tier: a.tier };
}
