import { describe, expect, it } from 'vitest';
import { parseIsoTime } from '../../sdk/src/time/parse-iso-time.js';

describe('parseIsoTime', () => {
  it('reads RFC 3339 times with their zone, and bare dates, as Date.parse does', () => {
    for (const t of [
      '2026-12-07T10:00:00Z',
      '2026-12-07T10:00:00.123Z',
      '2026-12-07T10:00:00.123456Z',
      '2026-12-07T10:00Z',
      '2026-12-07T10:00:00+01:00',
      '2026-12-07T23:59:59-11:30',
      '2026-12-07',
      '2024-02-29T00:00:00Z',
    ]) {
      expect(parseIsoTime(t), t).toBe(Date.parse(t));
      expect(Number.isFinite(parseIsoTime(t)), t).toBe(true);
    }
    expect(parseIsoTime('2026-12-07T10:00:00+01:00')).toBe(Date.UTC(2026, 11, 7, 9));
    expect(parseIsoTime('2026-12-07')).toBe(Date.UTC(2026, 11, 7));
  });

  it('refuses a date-time without a zone (it would be read in the server time zone) and anything else', () => {
    for (const t of [
      '2026-12-07T10:00:00',
      '2026-12-07T10:00',
      '2026-12-07 10:00:00Z',
      '2026-12-07t10:00:00z',
      '2026-12-07T10:00:00+0100',
      '2026-12-07T24:00:00Z',
      '2026-13-01T00:00:00Z',
      '2026-12-00',
      '2026-12-07T10Z',
      '+002026-12-07T10:00:00Z',
      'Mon, 07 Dec 2026 10:00:00 GMT',
      ' 2026-12-07T10:00:00Z',
      '2026-12-07T10:00:00Z\n',
      '1796637600000',
      '',
    ])
      expect(parseIsoTime(t), JSON.stringify(t)).toBeNaN();
  });
});
