import { describe, expect, it } from 'vitest';
import { noPasswordText } from '../../cli/commands/no-password-text.js';

/* Review: `login --password-stdin` at a terminal with an empty line said to pipe it with --password-stdin. */
describe('omega login, an empty password', () => {
  it('with --password-stdin says stdin was empty, at a terminal too', () => {
    for (const tty of [true, false])
      expect(noPasswordText(true, tty)).toBe(
        'no password given: --password-stdin read an empty stdin; pipe the password in',
      );
  });

  it('without it, says how to give one', () => {
    expect(noPasswordText(false, true)).toMatch(/type it at the prompt/);
    expect(noPasswordText(false, false)).toMatch(/stdin is not a terminal/);
  });
});
