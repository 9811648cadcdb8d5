import { describe, expect, it } from 'vitest';
import { UsageError } from '../../cli/command.js';
import { graceFlag } from '../../cli/commands/sessions/grace-flag.js';

/*
 * Newcomer walk: `omega sessions kill ID --grace 99h` was told "--grace takes a duration such as
 * 10s, 500ms or 2m": written right, but past the 10 minutes a grace may be, which it never said.
 */
describe('sessions kill --grace', () => {
  it('takes ms, s, m (and h) up to 10m; a bare number is ms', () => {
    expect(graceFlag('1500')).toBe(1500);
    expect(graceFlag('500ms')).toBe(500);
    expect(graceFlag('10s')).toBe(10_000);
    expect(graceFlag('10m')).toBe(600_000);
    expect(graceFlag('0s')).toBe(0);
  });

  it('says the cap when a duration is past it, and states it when the text is no duration', () => {
    expect(() => graceFlag('99h')).toThrow(UsageError);
    expect(() => graceFlag('99h')).toThrow('--grace 99h is longer than a grace may be; give at most 10m');
    expect(() => graceFlag('601s')).toThrow('--grace 601s is longer than a grace may be; give at most 10m');
    expect(() => graceFlag('soon')).toThrow(
      '--grace takes a duration of at most 10m, such as 10s, 500ms or 2m (got "soon")',
    );
  });
});
