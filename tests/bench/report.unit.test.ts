import { describe, expect, it } from 'vitest';
import { median } from '../../bench/report.js';

describe('median (the one the benches share)', () => {
  it('is the middle value, the upper middle one for an even count, and leaves its input alone', () => {
    const xs = [3, 1, 2];
    expect(median(xs)).toBe(2);
    expect(xs).toEqual([3, 1, 2]);
    expect(median([4, 1, 3, 2])).toBe(3);
    expect(median([7])).toBe(7);
    expect(() => median([])).toThrow(/no values/);
  });
});
