import { UsageError } from './command.js';

/** The range a whole-number flag takes, and how its usage error words it. */
export interface IntRange {
  min: number;
  /** Inclusive; none by default (up to the largest safe integer). */
  max?: number;
  /** Added to the usage error (e.g. where to find the right value). */
  hint?: string;
}

/**
 * Flag `name` of `values` as a whole number in `range`: undefined when it was not given; else
 * a usage error (exit 2) naming the flag, its range and what was given — for an empty value,
 * a fraction, an exponent, a non-number or a number out of range alike. (`Number()` alone would
 * read `--limit=` as 0 and `--limit=abc` as NaN, left for the kernel to refuse, exit 1.)
 */
export function intFlag(
  values: Readonly<Record<string, unknown>>,
  name: string,
  range: IntRange,
): number | undefined {
  const v = values[name];
  if (v === undefined || typeof v === 'boolean') return undefined;
  const text = String(v).trim();
  const n = Number(text);
  const max = range.max ?? Number.MAX_SAFE_INTEGER;
  if (!/^-?\d+$/.test(text) || !Number.isSafeInteger(n) || n < range.min || n > max) {
    const bounds = range.max === undefined ? `≥ ${range.min}` : `${range.min}–${range.max}`;
    const hint = range.hint ? `; ${range.hint}` : '';
    throw new UsageError(`--${name} takes a whole number ${bounds} (got "${String(v)}")${hint}`);
  }
  return n;
}
