const UNITS: Record<string, number> = { '': 1, K: 2 ** 10, M: 2 ** 20, G: 2 ** 30, T: 2 ** 40, P: 2 ** 50 };

/**
 * Parses a byte size: a non-negative integer of bytes, or a number with a binary unit as Slurm
 * and Docker read them (`512M`, `2G`, `1.5Gi`, `4GiB`, `64K`; K/M/G/T/P are powers of 1024).
 * Answers undefined when it is none.
 */
export function parseSize(v: unknown): number | undefined {
  if (typeof v === 'number') return Number.isSafeInteger(v) && v >= 0 ? v : undefined;
  if (typeof v !== 'string' || v.length > 32) return undefined;
  const m = /^(\d+(?:\.\d+)?)\s*([KMGTP]?)(?:i?B?)$/i.exec(v.trim());
  if (!m) return undefined;
  const unit = UNITS[(m[2] ?? '').toUpperCase()] ?? 1;
  const bytes = Math.round(Number(m[1]) * unit);
  return Number.isSafeInteger(bytes) ? bytes : undefined;
}

/** `2147483648` → `2 GiB`, `1536 MiB` → `1.5 GiB`: the largest unit with a value ≥ 1, one decimal. */
export function formatSize(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];
  let v = bytes;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  const text = i === 0 || Number.isInteger(v) ? String(Math.round(v)) : v.toFixed(1).replace(/\.0$/, '');
  return `${text} ${units[i]}`;
}
