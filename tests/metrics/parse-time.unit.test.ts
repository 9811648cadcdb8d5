import { describe, expect, it } from 'vitest';
import { parseTime } from '../../plugins/metrics/src/query/parse-time.js';

const NOW = Date.UTC(2026, 11, 6, 12);

describe('a range query time', () => {
  it('is now, now-<duration>, epoch ms or an RFC 3339 time with its zone', () => {
    expect(parseTime('now', NOW)).toBe(NOW);
    expect(parseTime('now-15m', NOW)).toBe(NOW - 900_000);
    expect(parseTime(' 1796637600000 ', NOW)).toBe(1_796_637_600_000);
    expect(parseTime('2026-12-06T11:00:00Z', NOW)).toBe(NOW - 3_600_000);
    expect(parseTime('2026-12-06T12:00:00.000+01:00', NOW)).toBe(NOW - 3_600_000);
  });

  it('refuses a time without a zone rather than reading it in the server time zone', () => {
    for (const t of ['2026-12-06T11:00:00', '2026-12-06T11:00', 'yesterday', 'now-soon'])
      expect(parseTime(t, NOW), t).toBeNull();
  });
});
