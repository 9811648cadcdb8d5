import { describe, expect, it } from 'vitest';
import { UsageError } from '../../cli/command.js';
import { timeFlag } from '../../cli/time-flag.js';

describe('a time on the command line', () => {
  it('is sent with its zone: a time without one is the operator’s local time', () => {
    expect(timeFlag('2026-12-07T18:00:00Z', 'x')).toBe('2026-12-07T18:00:00.000Z');
    expect(timeFlag('2026-12-07T18:00:00+01:00', 'x')).toBe('2026-12-07T17:00:00.000Z');
    expect(timeFlag(' 1796637600000 ', 'x')).toBe('2026-12-07T10:00:00.000Z');
    expect(timeFlag('2026-12-07T18:00', 'x')).toBe(new Date(2026, 11, 7, 18).toISOString());
    expect(timeFlag('2026-12-07', 'x')).toBe(new Date(2026, 11, 7).toISOString());
  });

  it('refuses what is no time with a usage error that shows it', () => {
    expect(() => timeFlag('tomorrow', '--until takes an ISO time')).toThrow(UsageError);
    expect(() => timeFlag('tomorrow', '--until takes an ISO time')).toThrow(
      '--until takes an ISO time (got "tomorrow")',
    );
  });
});
