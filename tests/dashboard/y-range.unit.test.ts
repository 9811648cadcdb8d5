import uPlot from 'uplot';
import { describe, expect, it } from 'vitest';
import { yRange } from '../../plugins/dashboard/ui/src/charts/y-range.js';

const u = {} as uPlot;
const f32 = (x: number) => Math.fround(x);
/** The float32 neighbours of `x`: what the metrics store hands back for a constant series. */
function noisy(x: number): [number, number] {
  if (x === 0) return [-1.401298464324817e-45, 1.401298464324817e-45];
  const a = new Float32Array([x, x]);
  const bits = new Int32Array(a.buffer);
  bits[0] = (bits[0] as number) - 1;
  bits[1] = (bits[1] as number) + 1;
  const [p, q] = a as unknown as [number, number];
  return [Math.min(p, q), Math.max(p, q)];
}

describe("yRange (the charts' y scale: flat-up-to-float-noise data ranges as flat)", () => {
  it('uPlot alone snaps float32 noise around 1 to [1, 1], the range whose tick loop never ends', () => {
    const [lo, hi] = noisy(1);
    // uPlot 1.6.32's answer (leeoniya/uPlot#1084): should an upgrade range it itself, this line says so.
    expect(uPlot.rangeNum(lo, hi, 0.1, true)).toEqual([1, 1]);
    const [a, b] = yRange(u, lo, hi) as [number, number];
    expect(b).toBeGreaterThan(a);
    expect(a).toBeLessThanOrEqual(lo);
    expect(b).toBeGreaterThanOrEqual(hi);
  });

  it('every constant series, exact or float32-noisy, gets a range with room for ticks', () => {
    for (const c of [0, 1, 3, -2, 0.3, 12.5, 42.7, 99.99, 1e-7, 2048, 123456.789, 7.5e9, -0.001]) {
      for (const [lo, hi] of [[c, c], noisy(c), [f32(c), c].sort((x, y) => x - y)] as Array<
        [number, number]
      >) {
        const [a, b] = yRange(u, lo, hi) as [number, number];
        expect(Number.isFinite(a) && Number.isFinite(b), `${lo}..${hi}`).toBe(true);
        // (uPlot rounds a range's ends to 24 decimals.)
        expect(a, `${lo}..${hi}`).toBeLessThanOrEqual(lo + 1e-24);
        expect(b, `${lo}..${hi}`).toBeGreaterThanOrEqual(hi - 1e-24);
        // A span float64 can step through in increments: far above the values' own precision.
        expect(b - a, `${lo}..${hi}`).toBeGreaterThan(Math.max(Math.abs(lo), Math.abs(hi)) * 1e-9);
      }
    }
  });

  it('keeps uPlot’s own range for data with a real span, and none for no data', () => {
    expect(yRange(u, 10, 90)).toEqual(uPlot.rangeNum(10, 90, 0.1, true));
    expect(yRange(u, 0, 100)).toEqual(uPlot.rangeNum(0, 100, 0.1, true));
    expect(yRange(u, null, null)).toEqual([null, null]);
    expect(yRange(u, Number.NaN, 1)).toEqual([null, null]);
  });
});
