import type { ApiClient } from '../api/api-client.js';
import type { ChartData, ChartSeries } from './chart-data.js';
import type { TimeWindow } from './time-range.js';

/** One series of a range answer. */
export interface RangeSeries {
  id: string;
  name: string;
  node: string;
  labels: Record<string, string>;
  unit: string;
  points: Array<[number, number | null]>;
}

/** `GET /api/v1/metrics/query`. */
export interface RangeAnswer {
  tier: string;
  step: number;
  from: number;
  to: number;
  agg: string;
  results: RangeSeries[];
}

/** Reads one range query for a selector. */
export function queryRange(
  api: ApiClient,
  series: string,
  w: TimeWindow,
  step: number,
  agg: string,
  signal?: AbortSignal,
): Promise<RangeAnswer> {
  const q = new URLSearchParams({
    series,
    from: String(Math.floor(w.from)),
    to: String(Math.floor(w.to)),
    step: `${step}ms`,
    agg,
  });
  return api.get<RangeAnswer>(`/metrics/query?${q}`, signal);
}

/**
 * A chart's data for `series` over `w`: the average per bucket, plus the min and max of each
 * bucket as a band (three queries with the same step: the server decimates by each), so a peak
 * between two pixels is still drawn. `label` names a series from its labels.
 */
export async function loadChart(
  api: ApiClient,
  series: string,
  w: TimeWindow,
  step: number,
  label: (s: RangeSeries) => string,
  signal?: AbortSignal,
): Promise<ChartData & { step: number; tier: string }> {
  const [avg, min, max] = await Promise.all([
    queryRange(api, series, w, step, 'avg', signal),
    queryRange(api, series, w, step, 'min', signal),
    queryRange(api, series, w, step, 'max', signal),
  ]);
  const first = avg.results[0];
  const times = first ? first.points.map((p) => p[0]) : [];
  const byId = (a: RangeAnswer) => new Map(a.results.map((r) => [r.id, r]));
  const mins = byId(min);
  const maxs = byId(max);
  const out: ChartSeries[] = avg.results.map((r) => ({
    label: label(r),
    values: r.points.map((p) => p[1]),
    min: mins.get(r.id)?.points.map((p) => p[1]) ?? [],
    max: maxs.get(r.id)?.points.map((p) => p[1]) ?? [],
  }));
  return { times, unit: first?.unit ?? '', series: out, step: avg.step, tier: avg.tier };
}
