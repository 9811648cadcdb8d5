import { describe, expect, it } from 'vitest';
import { UsageError } from '../../cli/command.js';
import { decimalFlag } from '../../cli/decimal-flag.js';

describe('decimalFlag', () => {
  const range = { min: 0, max: 10, hint: 'a hint' };

  it('reads plain decimals within its bounds, inclusive, and nothing when the flag was not given', () => {
    expect(decimalFlag({ n: '0' }, 'n', range)).toBe(0);
    expect(decimalFlag({ n: ' 2.5 ' }, 'n', range)).toBe(2.5);
    expect(decimalFlag({ n: '10' }, 'n', range)).toBe(10);
    expect(decimalFlag({}, 'n', range)).toBeUndefined();
    expect(decimalFlag({ n: true }, 'n', range)).toBeUndefined();
  });

  it('refuses anything else with a usage error naming the flag, its range, what was given and the hint', () => {
    for (const bad of ['10.5', '-1', '1e1', '0x1', '.5', '5.', 'NaN', 'Infinity', '', 'two'])
      expect(() => decimalFlag({ n: bad }, 'n', range), bad).toThrow(
        new UsageError(`--n takes a number 0–10 (got "${bad}"); a hint`),
      );
  });
});
