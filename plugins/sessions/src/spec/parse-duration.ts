const UNIT_SEC: Record<string, number> = { d: 86_400, h: 3_600, m: 60, s: 1 };

/**
 * Parses a duration into whole seconds: a positive number of seconds, or `1h`, `30m`, `90s`,
 * `2d`, `1h30m` (units in descending order). Answers undefined when it is none.
 */
export function parseDuration(v: unknown): number | undefined {
  if (typeof v === 'number') return Number.isFinite(v) && v > 0 ? Math.ceil(v) : undefined;
  if (typeof v !== 'string' || v.length > 32) return undefined;
  const text = v.trim();
  if (/^\d+$/.test(text)) return Number(text) > 0 ? Number(text) : undefined;
  const m = /^(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/.exec(text);
  if (!m || text === '') return undefined;
  const [, d, h, min, s] = m;
  const total =
    Number(d ?? 0) * UNIT_SEC.d! +
    Number(h ?? 0) * UNIT_SEC.h! +
    Number(min ?? 0) * UNIT_SEC.m! +
    Number(s ?? 0);
  return total > 0 ? total : undefined;
}
