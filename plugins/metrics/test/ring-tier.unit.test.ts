import { describe, expect, it } from 'vitest';
import { RingTier } from '../src/store/ring-tier.js';
import { SeriesHistory } from '../src/store/series-history.js';
import { AVG, MAX, MIN } from '../src/store/tiers.js';

describe('RingTier', () => {
  it('keeps the last `capacity` buckets and reads older ones as absent', () => {
    const r = new RingTier(1000, 4, 1);
    for (let b = 10; b < 16; b++) r.put(b, [b * 10]);
    expect(r.get(15)).toBe(150);
    expect(r.get(12)).toBe(120);
    expect(r.get(11)).toBeNaN();
    expect(r.get(16)).toBeNaN();
    expect(r.oldest).toBe(12);
  });

  it('clears skipped buckets so a gap reads as absent, never as an old value', () => {
    const r = new RingTier(1000, 4, 1);
    for (let b = 0; b < 4; b++) r.put(b, [1]);
    r.put(6, [6]);
    expect([r.get(3), r.get(4), r.get(5), r.get(6)]).toEqual([1, Number.NaN, Number.NaN, 6]);
    r.put(100, [7]);
    expect(r.get(99)).toBeNaN();
    expect(r.get(6)).toBeNaN();
  });

  it('overwrites a bucket inside the window and ignores writes older than it', () => {
    const r = new RingTier(1000, 4, 3);
    r.put(10, [1, 2, 3]);
    r.put(10, [4, 5, 6]);
    r.put(5, [9, 9, 9]);
    expect([r.get(10, 0), r.get(10, 1), r.get(10, 2)]).toEqual([4, 5, 6]);
    expect(r.get(5, 0)).toBeNaN();
  });
});

describe('SeriesHistory', () => {
  it('aggregates seconds into a partial minute and the minute into its hour, queryable at once', () => {
    const h = new SeriesHistory();
    const t0 = Date.UTC(2025, 0, 1, 10, 0, 0);
    for (const [i, v] of [1, 5, 3].entries()) h.record(t0 + i * 1000, v);
    const minute = t0 / 60_000;
    const hour = t0 / 3_600_000;
    const [raw, min, hr] = h.tiers;
    expect(raw.get(t0 / 1000 + 1)).toBe(5);
    expect([min.get(minute, MIN), min.get(minute, AVG), min.get(minute, MAX)]).toEqual([1, 3, 5]);
    h.record(t0 + 60_000, 11);
    expect(min.get(minute + 1, AVG)).toBe(11);
    // The hour is the mean of its minutes' averages, min of mins, max of maxes.
    expect([hr.get(hour, MIN), hr.get(hour, AVG), hr.get(hour, MAX)]).toEqual([1, 7, 11]);
    expect(h.lastValue).toBe(11);
    expect(h.lastAt).toBe(t0 + 60_000);
  });

  it('does not record non-finite values (absent, not zero)', () => {
    const h = new SeriesHistory();
    h.record(1_000_000, Number.NaN);
    h.record(1_001_000, Number.POSITIVE_INFINITY);
    expect(h.tiers[0].head).toBe(Number.NEGATIVE_INFINITY);
    expect(h.lastValue).toBeNaN();
  });
});

describe('RingTier storage', () => {
  it('tells a real zero from an absent value, also for values too small for 32 bits', () => {
    const r = new RingTier(1000, 8, 1);
    r.put(1, [0]);
    r.put(2, [-0]);
    r.put(3, [1e-50]);
    r.put(4, [Number.NaN]);
    r.put(5, [-2.5]);
    expect([r.get(1), r.get(2), r.get(3), r.get(5)]).toEqual([0, 0, 0, -2.5]);
    expect(r.get(4)).toBeNaN();
    expect(r.get(0)).toBeNaN();
  });

  it('leaves the buffer untouched (all zero bytes) outside the buckets written', () => {
    const data = new Float32Array(3 * 100);
    const r = new RingTier(1000, 100, 3, data);
    r.put(1_000_007, [1, 2, 3]);
    const bytes = new Uint8Array(data.buffer);
    const written = bytes.reduce((n, x) => n + (x !== 0 ? 1 : 0), 0);
    // One slot of 3 floats (12 bytes) holds data; every other byte is still zero.
    expect(written).toBeGreaterThan(0);
    expect(written).toBeLessThanOrEqual(12);
    expect(r.get(1_000_006, 1)).toBeNaN();
  });
});
