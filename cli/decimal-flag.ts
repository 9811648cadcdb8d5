import { UsageError } from './command.js';

/** The range a decimal flag takes (both ends inclusive), and how its usage error words it. */
export interface DecimalRange {
  min: number;
  max: number;
  /** Added to the usage error (e.g. what a fraction means). */
  hint?: string;
}

/**
 * Flag `name` of `values` as a plain decimal (`2`, `0.5`; no exponent, hex, `Infinity` or
 * trailing dot) in `range`: undefined when it was not given; else a usage error (exit 2) naming
 * the flag, its range and what was given. `--cores` of `sessions run` and `quota set` read theirs
 * here, so each refuses the same texts and states its own bounds.
 */
export function decimalFlag(
  values: Readonly<Record<string, unknown>>,
  name: string,
  range: DecimalRange,
): number | undefined {
  const v = values[name];
  if (v === undefined || typeof v === 'boolean') return undefined;
  const text = String(v).trim();
  const n = Number(text);
  if (!/^-?\d+(\.\d+)?$/.test(text) || n < range.min || n > range.max) {
    const hint = range.hint ? `; ${range.hint}` : '';
    throw new UsageError(`--${name} takes a number ${range.min}–${range.max} (got "${String(v)}")${hint}`);
  }
  return n;
}
