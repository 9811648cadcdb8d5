import { describe, expect, it } from 'vitest';
import { MAX_QUERY_POINTS, querySize, rangeParams } from '../src/api/query-params.js';
import { parseDuration, parseTime } from '../src/query/parse-time.js';
import { quantile } from '../src/query/quantile.js';
import { countPoints, pickTier, rangeQuery } from '../src/query/range-query.js';
import type { RingTier } from '../src/store/ring-tier.js';
import { SeriesHistory } from '../src/store/series-history.js';

const T0 = Date.UTC(2025, 0, 1, 10, 0, 0);

function history(seconds: number, value: (s: number) => number): SeriesHistory {
  const h = new SeriesHistory();
  for (let s = 0; s < seconds; s++) h.record(T0 + s * 1000 + 20, value(s));
  return h;
}

describe('range queries', () => {
  it('answers at 1 s from the raw tier with every aggregation', () => {
    const h = history(120, (s) => s);
    const now = T0 + 120_000;
    const base = { from: T0, to: T0 + 9_000, step: 10_000 };
    const one = (agg: 'avg' | 'min' | 'max' | 'p95') => rangeQuery(h, { ...base, agg }, now).points;
    expect(one('avg')).toEqual([[T0, 4.5]]);
    expect(one('min')).toEqual([[T0, 0]]);
    expect(one('max')).toEqual([[T0, 9]]);
    expect(one('p95')[0]?.[1]).toBeCloseTo(8.55, 5);
    const r = rangeQuery(h, { from: T0, to: T0 + 2_000, step: 1_000, agg: 'avg' }, now);
    expect(r).toMatchObject({ tier: 'raw', step: 1_000, approximate: false });
    expect(r.points).toEqual([
      [T0, 0],
      [T0 + 1000, 1],
      [T0 + 2000, 2],
    ]);
  });

  it('returns null for buckets without data, never 0', () => {
    const h = history(5, () => 7);
    const r = rangeQuery(h, { from: T0, to: T0 + 9_000, step: 1_000, agg: 'avg' }, T0 + 10_000);
    expect(r.points.slice(4, 6)).toEqual([
      [T0 + 4000, 7],
      [T0 + 5000, null],
    ]);
  });

  it('uses the minute tier beyond the last hour, raising the step and flagging p95 as approximate', () => {
    const h = history(180, (s) => (s < 60 ? 1 : s < 120 ? 3 : 5));
    const now = T0 + 2 * 3_600_000;
    expect(pickTier(T0, now)).toBe(1);
    const r = rangeQuery(h, { from: T0, to: T0 + 179_000, step: 1_000, agg: 'max' }, now);
    expect(r).toMatchObject({ tier: 'minute', step: 60_000 });
    expect(r.points).toEqual([
      [T0, 1],
      [T0 + 60_000, 3],
      [T0 + 120_000, 5],
    ]);
    expect(rangeQuery(h, { from: T0, to: T0 + 179_000, step: 1_000, agg: 'p95' }, now).approximate).toBe(
      true,
    );
    expect(pickTier(T0, T0 + 40 * 86_400_000)).toBe(2);
  });

  it("reads only the buckets the ring holds, however long the step (a viewer's step=100000h held the plugin past its limit)", () => {
    const h = history(120, (s) => s);
    const now = T0 + 120_000;
    const raw = h.tiers[0] as RingTier;
    const get = raw.get.bind(raw);
    let reads = 0;
    raw.get = (b: number, f?: number) => {
      reads++;
      return get(b, f);
    };
    const r = rangeQuery(h, { from: T0, to: now, step: parseDuration('100000h')!, agg: 'minmax' }, now);
    expect(r.tier).toBe('raw');
    expect(r.points.filter((pt) => pt[1] !== null)).toEqual([[expect.any(Number), 59.5, 0, 119]]);
    // 360,000,000 raw buckets per point before; the ring holds 3,660 (120 written)
    expect(reads).toBeLessThanOrEqual(raw.capacity + r.points.length);
  });

  it('refuses a query too large in points per series, series, or points in all, naming the field to change', () => {
    expect(querySize(11_000, 22, false)).toBeNull();
    expect(querySize(11_001, 1, false)?.field).toBe('step');
    expect(querySize(10, 101, false)?.field).toBe('series');
    // 100 series of 11,000 points: 1.1 million points in one answer
    expect(querySize(11_000, 100, false)).toMatchObject({ field: 'step' });
    expect(querySize(11_000, 100, true)).toMatchObject({ field: 'points' });
    expect(querySize(MAX_QUERY_POINTS / 100, 100, true)).toBeNull();
  });

  it('counts points before running, so a huge query can be refused', () => {
    // Exactly the last hour at 1 s: served from the raw tier, first bucket included.
    const hour = { from: T0, to: T0 + 3_600_000, step: 1_000, agg: 'avg' as const };
    expect(pickTier(hour.from, hour.to)).toBe(0);
    expect(countPoints(hour, hour.to)).toBe(3_601);
    expect(countPoints({ from: T0 - 25 * 86_400_000, to: T0, step: 1, agg: 'avg' }, T0)).toBe(601);
  });

  it('parses times, durations and query parameters', () => {
    expect(parseDuration('1.5m')).toBe(90_000);
    expect(parseDuration('250')).toBe(250);
    expect(parseDuration('5 parsecs')).toBeNull();
    expect(parseTime('now-1h', T0)).toBe(T0 - 3_600_000);
    expect(parseTime('2025-01-01T10:00:00Z', 0)).toBe(T0);
    expect(parseTime('yesterday', T0)).toBeNull();
    expect(rangeParams({}, T0)).toEqual({ from: T0 - 3_600_000, to: T0, step: 1_000, agg: 'avg' });
    expect(rangeParams({ agg: 'median' }, T0)).toMatchObject({ field: 'agg' });
    expect(rangeParams({ from: 'now', to: 'now-1m' }, T0)).toMatchObject({ field: 'from' });
    expect(rangeParams({ step: '0s' }, T0)).toMatchObject({ field: 'step' });
  });

  it('interpolates quantiles between closest ranks', () => {
    expect(quantile([3, 1, 2, 4], 0.5)).toBe(2.5);
    expect(quantile([5], 0.95)).toBe(5);
    expect(quantile([], 0.95)).toBeNaN();
  });
});
