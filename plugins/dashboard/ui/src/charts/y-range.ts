import uPlot from 'uplot';

/** uPlot's own y padding (a tenth of the data's span above and below). */
const PAD = 0.1;
/** A span this small relative to the values is float32 noise (a few ulps: float32 keeps ~7 digits). */
const FLOAT32_NOISE = 2 ** -20;

/**
 * The y scale's range: uPlot's default, except that data flat up to float noise ranges as flat.
 * The metrics store keeps float32 samples, so a constant series (a load of 1, a count of 3)
 * can come back as 0.99999976 and 1.00000024; uPlot's ranger then snaps both ends to the same
 * value and its tick loop never ends, pushing splits until the page throws "Invalid array length"
 * (leeoniya/uPlot#1084: the caller's to prevent). Such data is ranged as the one value it is.
 */
export function yRange(_u: uPlot, min: number | null, max: number | null): uPlot.Range.MinMax {
  if (min == null || max == null || !Number.isFinite(min) || !Number.isFinite(max)) return [null, null];
  if (max - min > Math.max(Math.abs(min), Math.abs(max)) * FLOAT32_NOISE) {
    const r = uPlot.rangeNum(min, max, PAD, true);
    if (r[0] != null && r[1] != null && r[1] > r[0]) return r;
  }
  const mid = (min + max) / 2;
  const flat = uPlot.rangeNum(mid, mid, PAD, true);
  if (flat[0] != null && flat[1] != null && flat[1] > flat[0]) return flat;
  const half = Math.abs(mid) || 1;
  return [mid - half, mid + half];
}
