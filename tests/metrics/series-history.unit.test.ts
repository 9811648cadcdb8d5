import { describe, expect, it } from 'vitest';
import { SeriesHistory } from '../../plugins/metrics/src/store/series-history.js';

const T0 = Date.UTC(2026, 0, 1, 9, 58, 30);

/** A small deterministic generator (the same sequence every run). */
function rand(seed: number): () => number {
  let x = seed >>> 0;
  return () => {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    return x / 2 ** 32;
  };
}

/** Every minute and hour bucket of `h` from `from` to `to` epoch ms, as [bucket, min, avg, max]. */
function buckets(h: SeriesHistory, from: number, to: number): number[][] {
  const out: number[][] = [];
  for (const ti of [1, 2] as const) {
    const tier = h.tiers[ti];
    const step = h.specs[ti].stepMs;
    for (let b = Math.floor(from / step); b <= Math.floor(to / step); b++)
      out.push([ti, b, tier.get(b, 0), tier.get(b, 1), tier.get(b, 2)]);
  }
  return out;
}

describe('SeriesHistory keeps minutes and hours as a full recompute would', () => {
  it('gives the same figures, bit for bit, for in-order seconds, gaps, rewrites and late samples', () => {
    const next = rand(7);
    const live = new SeriesHistory();
    const recomputed = new SeriesHistory();
    let at = T0;
    const seen: number[] = [];
    for (let i = 0; i < 10_000; i++) {
      const r = next();
      // Mostly the next second; sometimes a gap, the same second again, a late one (seconds or
      // minutes back, then on from there), rarely one from long ago.
      if (r < 0.95) at += 1_000;
      else if (r < 0.97) at += 1_000 * Math.ceil(next() * 200);
      else if (r < 0.985) at += 0;
      else if (r < 0.999) at -= 1_000 * Math.ceil(next() * 150);
      else at = seen[Math.floor(next() * seen.length)] ?? at;
      const value = r < 0.02 ? Number.NaN : Math.round(next() * 1e6) / 1e3 - 100;
      live.record(at, value);
      recomputed.record(at, value);
      const second = Math.floor(at / 1000);
      recomputed.refreshMinute(Math.floor(second / 60));
      recomputed.refreshHour(Math.floor(second / 3600));
      seen.push(at);
    }
    const from = Math.min(...seen);
    const to = Math.max(...seen);
    const a = buckets(live, from, to);
    const b = buckets(recomputed, from, to);
    expect(a.filter((x) => !Number.isNaN(x[3])).length).toBeGreaterThan(60);
    expect(a).toEqual(b);
    expect(live.lastValue).toBe(recomputed.lastValue);
  });
});
