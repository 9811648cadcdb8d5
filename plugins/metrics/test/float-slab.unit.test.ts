import { describe, expect, it } from 'vitest';
import { takeFloats } from '../src/store/float-slab.js';
import { SeriesHistory } from '../src/store/series-history.js';

describe('takeFloats', () => {
  it('hands out zeroed regions of one shared slab that never overlap', () => {
    const a = takeFloats(1000);
    const b = takeFloats(1000);
    expect(b.data).toBe(a.data);
    expect(b.offset).toBeGreaterThanOrEqual(a.offset + 1000);
    a.data.fill(7, a.offset, a.offset + 1000);
    expect(b.data.subarray(b.offset, b.offset + 1000).every((x) => x === 0)).toBe(true);
  });

  it('starts a new slab when a region does not fit, and gives an oversized one its own array', () => {
    const big = takeFloats(300 * 1024);
    expect(big.offset).toBe(0);
    expect(big.data.length).toBe(300 * 1024);
    const regions = Array.from({ length: 40 }, () => takeFloats(10_000));
    expect(new Set(regions.map((r) => r.data)).size).toBeGreaterThan(1);
    for (const r of regions) expect(r.offset + 10_000).toBeLessThanOrEqual(r.data.length);
  });
});

describe('SeriesHistory in a slab', () => {
  it('keeps two series apart and writes only the buckets it records', () => {
    const x = new SeriesHistory();
    const y = new SeriesHistory();
    const t0 = Date.UTC(2026, 0, 1, 10, 0, 0);
    x.record(t0, 0);
    y.record(t0, 42);
    expect(x.tiers[0].get(t0 / 1000)).toBe(0);
    expect(y.tiers[0].get(t0 / 1000)).toBe(42);
    expect(x.tiers[0].get(t0 / 1000 - 1)).toBeNaN();
    // x's region: one raw float and one minute and one hour slot (3 floats each) written.
    const [raw, , hour] = x.tiers;
    const region = new Uint32Array(
      raw.data.buffer,
      raw.offset * 4,
      hour.offset + 3 * hour.capacity - raw.offset,
    );
    const nonZero = region.reduce((n, v) => n + (v !== 0 ? 1 : 0), 0);
    expect(nonZero).toBe(7);
  });
});
