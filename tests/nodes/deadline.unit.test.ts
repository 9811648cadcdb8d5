import { describe, expect, it } from 'vitest';
import { deadlineOf } from '../../plugins/nodes/src/api/http.js';

const NOW = Date.UTC(2026, 11, 6, 12);

describe('a hold deadline', () => {
  it('is epoch ms or an RFC 3339 time with its zone, written back in UTC', () => {
    expect(deadlineOf({ deadline: NOW + 60_000 }, NOW)).toBe('2026-12-06T12:01:00.000Z');
    expect(deadlineOf({ deadline: '2026-12-06T14:00:00+01:00' }, NOW)).toBe('2026-12-06T13:00:00.000Z');
    expect(deadlineOf({}, NOW)).toBeUndefined();
    expect(deadlineOf({ deadline: null }, NOW)).toBeUndefined();
  });

  it('refuses a time without a zone (the server would read it in its own) with a 400 naming the field', () => {
    for (const deadline of [
      '2026-12-06T14:00:00',
      '2026-12-06 14:00Z',
      'tomorrow',
      NOW - 1,
      NOW + 367 * 86_400_000,
    ]) {
      let err: unknown;
      try {
        deadlineOf({ deadline }, NOW);
      } catch (e) {
        err = e;
      }
      expect(err, String(deadline)).toMatchObject({
        status: 400,
        code: 'OMEGA_ERR_VALIDATION',
        extras: { errors: [{ field: 'deadline' }] },
      });
    }
  });
});
