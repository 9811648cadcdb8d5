import { describe, expect, it } from 'vitest';
import { UsageError } from '../../cli/command.js';
import { deadlineFlag } from '../../cli/deadline-flag.js';

/*
 * Newcomer walk: `omega nodes cordon vm --reason t --deadline 2020-01-01T00:00Z` got the kernel's
 * "must be an RFC 3339 time with its zone … in the future, within a year", as if it were
 * written wrong: it is written right and past.
 */
describe('nodes --deadline', () => {
  const now = Date.parse('2026-12-07T12:00:00Z');

  it('takes a time to come or a duration from now', () => {
    expect(deadlineFlag('2h', now)).toBe('2026-12-07T14:00:00.000Z');
    expect(deadlineFlag('2026-12-08T00:00Z', now)).toBe('2026-12-08T00:00:00.000Z');
  });

  it('says a time that parses but is past is in the past', () => {
    expect(() => deadlineFlag('2020-01-01T00:00Z', now)).toThrow(UsageError);
    expect(() => deadlineFlag('2020-01-01T00:00Z', now)).toThrow(
      '--deadline 2020-01-01T00:00Z is in the past (2020-01-01T00:00:00.000Z); give a time to come, or a duration such as 2h',
    );
  });

  it('says a time more than a year ahead is too far, and what is no time is no time', () => {
    expect(() => deadlineFlag('2030-01-01T00:00Z', now)).toThrow(/is more than a year ahead/);
    expect(() => deadlineFlag('soon', now)).toThrow(
      '--deadline takes an ISO time or a duration in minutes, hours or days, such as 30m, 2h or 1d (got "soon")',
    );
    // newcomer walk: `--deadline 20s` was refused with no word that seconds are not a unit it takes
    expect(() => deadlineFlag('20s', now)).toThrow(
      '--deadline takes an ISO time or a duration in minutes, hours or days, such as 30m, 2h or 1d (got "20s")',
    );
  });

  it('checks a duration too: zero is now, and more than a year is too far (review)', () => {
    expect(() => deadlineFlag('0m', now)).toThrow('--deadline 0m is now; give a duration such as 2h');
    expect(() => deadlineFlag('999999d', now)).toThrow(
      '--deadline 999999d is more than a year ahead; give one within a year',
    );
    expect(deadlineFlag('365d', now)).toBe('2027-12-07T12:00:00.000Z');
  });
});
