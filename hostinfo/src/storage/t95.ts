/** Two-sided 95 % quantiles of Student's t for 1…30 degrees of freedom (standard tables). */
const T95 = [
  12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.16, 2.145, 2.131,
  2.12, 2.11, 2.101, 2.093, 2.086, 2.08, 2.074, 2.069, 2.064, 2.06, 2.056, 2.052, 2.048, 2.045, 2.042,
];
/** Further anchors (df, t), then the normal limit 1.96; interpolated linearly in 1/df between them. */
const TAIL: Array<[number, number]> = [
  [30, 2.042],
  [40, 2.021],
  [60, 2.0],
  [120, 1.98],
  [Number.POSITIVE_INFINITY, 1.96],
];

/** The t value that leaves 2.5 % in each tail for `df` degrees of freedom (table accuracy, 3 decimals). */
export function t95(df: number): number {
  if (!(df >= 1)) return Number.NaN;
  if (df <= 30) return T95[Math.floor(df) - 1]!;
  for (let i = 1; i < TAIL.length; i++) {
    const [d1, t1] = TAIL[i - 1]!;
    const [d2, t2] = TAIL[i]!;
    if (df <= d2) {
      const x = 1 / df;
      const x1 = 1 / d1;
      const x2 = 1 / d2;
      return t1 + ((t2 - t1) * (x - x1)) / (x2 - x1);
    }
  }
  return 1.96;
}
