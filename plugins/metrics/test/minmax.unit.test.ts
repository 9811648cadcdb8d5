import { describe, expect, it } from 'vitest';
import { rangeParams } from '../src/api/query-params.js';
import { countPoints, type RangeParams, rangeQuery } from '../src/query/range-query.js';
import { SeriesHistory } from '../src/store/series-history.js';

const T0 = Date.UTC(2025, 0, 1, 10, 0, 0);

function params(q: Record<string, string>, now: number): RangeParams {
  const p = rangeParams(q, now);
  if ('field' in p) throw new Error(`${p.field}: ${p.message}`);
  return p;
}

describe('min/max decimation (agg=minmax, points=N)', () => {
  it('keeps one-second spikes in a chart of N points, with avg, min and max agreeing with the single aggregations', () => {
    const h = new SeriesHistory();
    // An hour of a calm series with one spike up and one dip down, a second each.
    for (let s = 0; s < 3_600; s++)
      h.record(T0 + s * 1_000 + 20, s === 1_234 ? 99 : s === 2_345 ? -7 : 1 + (s % 3));
    const now = T0 + 3_600_000;
    for (const width of [2, 7, 300, 1_000, 3_601]) {
      const q = { from: String(T0), to: String(now - 1_000), points: String(width) };
      const p = params({ ...q, agg: 'minmax' }, now);
      expect(countPoints(p, now)).toBeLessThanOrEqual(width);
      const r = rangeQuery(h, p, now);
      expect(r.points.length).toBe(countPoints(p, now));
      expect(r.points.length).toBeLessThanOrEqual(width);
      const max = Math.max(...r.points.map((pt) => (pt[3] as number | null) ?? Number.NEGATIVE_INFINITY));
      const min = Math.min(...r.points.map((pt) => (pt[2] as number | null) ?? Number.POSITIVE_INFINITY));
      expect([min, max]).toEqual([-7, 99]);
      // The same buckets as the one-aggregation queries.
      const one = (agg: 'avg' | 'min' | 'max') => rangeQuery(h, params({ ...q, agg }, now), now).points;
      expect(r.points.map((pt) => [pt[0], pt[1]])).toEqual(one('avg'));
      expect(r.points.map((pt) => [pt[0], pt[2]])).toEqual(one('min'));
      expect(r.points.map((pt) => [pt[0], pt[3]])).toEqual(one('max'));
    }
    // The avg-only chart of the same width loses the spike: what minmax is for.
    const flat = rangeQuery(h, params({ from: String(T0), points: '60', agg: 'avg' }, now), now);
    expect(Math.max(...flat.points.map((pt) => pt[1] ?? 0))).toBeLessThan(10);
  });

  it('answers [t, null, null, null] where there is no data, and uses the coarser tiers for long ranges', () => {
    const h = new SeriesHistory();
    for (let s = 0; s < 5; s++) h.record(T0 + s * 1_000 + 20, 4);
    const r = rangeQuery(
      h,
      params({ from: String(T0), to: String(T0 + 9_000), agg: 'minmax', step: '1s' }, T0 + 10_000),
      T0 + 10_000,
    );
    expect(r.points[4]).toEqual([T0 + 4_000, 4, 4, 4]);
    expect(r.points[5]).toEqual([T0 + 5_000, null, null, null]);
    const now = T0 + 20 * 86_400_000;
    const month = params({ from: 'now-20d', points: '500', agg: 'minmax' }, now);
    expect(countPoints(month, now)).toBeLessThanOrEqual(500);
    expect(month.step % 3_600_000).toBe(0);
  });

  it('refuses bad parameters naming the field', () => {
    const now = T0;
    const bad: Array<[Record<string, string>, string]> = [
      [{ agg: 'minmax', points: '1' }, 'points'],
      [{ agg: 'minmax', points: '11001' }, 'points'],
      [{ agg: 'minmax', points: '12.5' }, 'points'],
      [{ agg: 'minmax', points: '-3' }, 'points'],
      [{ agg: 'minmax', points: '300', step: '1m' }, 'points'],
      [{ agg: 'minmax', step: '0s' }, 'step'],
      [{ agg: 'band' }, 'agg'],
    ];
    for (const [q, field] of bad) expect(rangeParams(q, now)).toMatchObject({ field });
  });
});
