const pad = (n: number, width: number): string => String(n).padStart(width, '0');

/**
 * Epoch ms `ms` as `Date.prototype.toISOString` writes it (`2026-01-01T10:00:00.000Z`; years
 * outside 0–9999 as ±YYYYYY; a RangeError for an invalid time), from the UTC getters. Not
 * `toISOString` itself: V8's first call of it (or of `toJSON`, `toString`, `toUTCString`) sets
 * up the isolate's local-time zone names, which maps ~640 KB of ICU's time zone data into the
 * plugin host (resident for the host's life: the nodes host's only ICU beyond node's start),
 * while the UTC getters do not touch it.
 */
export function isoTime(ms: number): string {
  const d = new Date(ms);
  const t = d.getTime();
  if (Number.isNaN(t)) throw new RangeError('Invalid time value');
  const y = d.getUTCFullYear();
  const year = y >= 0 && y <= 9999 ? pad(y, 4) : `${y < 0 ? '-' : '+'}${pad(Math.abs(y), 6)}`;
  return (
    `${year}-${pad(d.getUTCMonth() + 1, 2)}-${pad(d.getUTCDate(), 2)}` +
    `T${pad(d.getUTCHours(), 2)}:${pad(d.getUTCMinutes(), 2)}:${pad(d.getUTCSeconds(), 2)}` +
    `.${pad(d.getUTCMilliseconds(), 3)}Z`
  );
}
