import type uPlot from 'uplot';

/** What the builder draws into: a canvas Path2D (the DOM global, looked up when called, so the module also loads where there is none). */
interface LinePath {
  moveTo(x: number, y: number): void;
  lineTo(x: number, y: number): void;
}
const newPath = (): LinePath => new (globalThis as unknown as { Path2D: new () => LinePath }).Path2D();

/**
 * A uPlot paths builder for a plain line (no band, no fill, linear scales): one pass over the
 * points with the scale's linear transform inlined, a new sub-path after each null (so gaps
 * need no clip path), and no per-point rounding. It draws what uPlot's `linear()` draws for data
 * with fewer points than pixels (the live charts: ≤ 1 point per pixel by construction), without
 * its per-point closures and gap clipping — the larger part of a live tick's script time.
 */
export function linePath(u: uPlot, seriesIdx: number, idx0: number, idx1: number): uPlot.Series.Paths | null {
  const xs = u.data[0] as ArrayLike<number>;
  const ys = u.data[seriesIdx] as ArrayLike<number | null | undefined>;
  const sx = u.scales.x;
  const sy = u.scales[u.series[seriesIdx]?.scale ?? 'y'];
  if (!sx || !sy || sx.min == null || sx.max == null || sy.min == null || sy.max == null) return null;
  const { left, top, width, height } = u.bbox;
  const x0 = sx.min;
  const y0 = sy.min;
  const kx = width / (sx.max - x0 || 1);
  const ky = height / (sy.max - y0 || 1);
  const bottom = top + height;
  const stroke = newPath();
  let pen = false;
  for (let i = idx0; i <= idx1; i++) {
    const y = ys[i];
    if (y == null) {
      pen = false;
      continue;
    }
    const px = left + ((xs[i] as number) - x0) * kx;
    const py = bottom - (y - y0) * ky;
    if (pen) stroke.lineTo(px, py);
    else {
      stroke.moveTo(px, py);
      pen = true;
    }
  }
  return { stroke: stroke as uPlot.Series.Paths['stroke'], fill: null, clip: null, flags: 0 };
}
