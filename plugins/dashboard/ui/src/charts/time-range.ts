/** The ranges the Performance views offer, 5 minutes to 30 days (the metrics tiers hold 1 h at 1 s, 1 day at 1 min, 30 days at 1 h). */
export const RANGES = [
  { id: '5m', ms: 5 * 60_000 },
  { id: '15m', ms: 15 * 60_000 },
  { id: '1h', ms: 3_600_000 },
  { id: '6h', ms: 6 * 3_600_000 },
  { id: '24h', ms: 24 * 3_600_000 },
  { id: '7d', ms: 7 * 86_400_000 },
  { id: '30d', ms: 30 * 86_400_000 },
] as const;

/** One of {@link RANGES}. */
export type RangeId = (typeof RANGES)[number]['id'];

/** The window a view shows: relative (`range` back from now, live) or absolute (zoomed, fixed). */
export interface TimeWindow {
  from: number;
  to: number;
  live: boolean;
}

/** Resolves URL state (`range`, or `from` + `to` epoch ms after a zoom) to a window. */
export function resolveWindow(
  range: string,
  from: string | null,
  to: string | null,
  now: number,
): TimeWindow {
  const f = from === null ? Number.NaN : Number(from);
  const t = to === null ? Number.NaN : Number(to);
  if (Number.isFinite(f) && Number.isFinite(t) && f < t) return { from: f, to: t, live: false };
  const r = RANGES.find((x) => x.id === range) ?? RANGES[2];
  return { from: now - r.ms, to: now, live: true };
}
