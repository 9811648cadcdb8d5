/**
 * The q-quantile (0–1) of `values` by linear interpolation between closest ranks (numpy's
 * default, Prometheus' `quantile_over_time`). Sorts `values` in place; NaN when empty.
 */
export function quantile(values: number[] | Float64Array, q: number): number {
  const n = values.length;
  if (n === 0) return Number.NaN;
  values.sort((a, b) => a - b);
  const rank = q * (n - 1);
  const lo = Math.floor(rank);
  const hi = Math.ceil(rank);
  const a = values[lo] ?? Number.NaN;
  const b = values[hi] ?? Number.NaN;
  return a + (b - a) * (rank - lo);
}
