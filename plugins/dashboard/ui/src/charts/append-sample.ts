import type { ChartData } from './chart-data.js';

/**
 * Folds one live sample (`values` by series key, at `at` epoch ms) into a chart whose buckets
 * are `step` ms wide: into the last bucket when it covers `at` (`n` samples already in it,
 * averaged; min and max widened), else as a new bucket; buckets older than `windowMs` fall off.
 * Returns a new ChartData (the old one is not changed) and the new last bucket's count.
 */
export function appendSample(
  d: ChartData,
  at: number,
  values: ReadonlyArray<number | null>,
  step: number,
  windowMs: number,
  n: number,
): { data: ChartData; n: number } {
  const bucket = Math.floor(at / step) * step;
  const lastT = d.times.at(-1);
  if (lastT !== undefined && bucket < lastT) return { data: d, n };
  const same = lastT === bucket;
  const start = bucket - windowMs;
  let drop = 0;
  while (drop < d.times.length && (d.times[drop] ?? 0) < start) drop++;
  const cut = <T>(a: T[]) => a.slice(drop);
  const times = cut(d.times);
  if (!same) times.push(bucket);
  const series = d.series.map((s, i) => {
    const v = values[i] ?? null;
    const vals = cut(s.values);
    const mins = s.min ? cut(s.min) : undefined;
    const maxs = s.max ? cut(s.max) : undefined;
    if (same) {
      const k = vals.length - 1;
      const old = vals[k] ?? null;
      vals[k] = v === null ? old : old === null ? v : (old * n + v) / (n + 1);
      if (mins && v !== null) mins[k] = Math.min(mins[k] ?? v, v);
      if (maxs && v !== null) maxs[k] = Math.max(maxs[k] ?? v, v);
    } else {
      vals.push(v);
      mins?.push(v);
      maxs?.push(v);
    }
    return { ...s, values: vals, ...(mins ? { min: mins } : {}), ...(maxs ? { max: maxs } : {}) };
  });
  return { data: { ...d, times, series }, n: same ? n + 1 : 1 };
}
