/**
 * One line per figure, always beside its baseline from the same run, so a reader sees the
 * ratio without trusting a number measured on another day or machine.
 */
export interface Figure {
  name: string;
  value: number;
  unit: string;
  baseline?: { name: string; value: number; unit?: string };
  goal?: string;
  /** True when the goal is met; omitted when there is no goal. */
  met?: boolean;
}

const fmt = (n: number): string => (Math.abs(n) >= 100 ? n.toFixed(0) : n.toPrecision(3));

/** Prints a figure as one aligned line (and returns it for tests or files). */
export function report(fig: Figure): string {
  let line = `${fig.name.padEnd(52)} ${fmt(fig.value)} ${fig.unit}`;
  if (fig.baseline) {
    const b = fig.baseline;
    line += `   | baseline ${b.name}: ${fmt(b.value)} ${b.unit ?? fig.unit}`;
    if (b.value !== 0) line += ` (ratio ${(fig.value / b.value).toFixed(2)})`;
  }
  if (fig.goal) line += `   | goal ${fig.goal}: ${fig.met === undefined ? '?' : fig.met ? 'met' : 'NOT MET'}`;
  console.log(line);
  return line;
}

/** p-th percentile (0–100) of a list of numbers (nearest rank). */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank]!;
}

/**
 * The median of `values` (any order; not changed), the upper middle one for an even count: a
 * latency or cost is not judged on its better half alone (open-loop-rounds.ts's upperMedian).
 * The one median the benches share.
 */
export function median(values: readonly number[]): number {
  if (values.length === 0) throw new Error('median: no values');
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.ceil((sorted.length - 1) / 2)]!;
}
