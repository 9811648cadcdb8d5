import { describe, expect, it } from 'vitest';
import { formatRounds, summariseRounds, upperMedian } from '../../bench/open-loop-rounds.js';

describe('summariseRounds (a fixed-rate p99 judged on the median of its rounds)', () => {
  it('takes the median row whole, with the lowest and highest p99 beside it', () => {
    const rows = [
      { p99: 1.04, row: 'a' },
      { p99: 0.53, row: 'b' },
      { p99: 0.61, row: 'c' },
    ];
    const s = summariseRounds(rows);
    expect(s.median).toBe(rows[2]);
    expect([s.min, s.max, s.rows]).toEqual([0.53, 1.04, 3]);
    expect(formatRounds(s)).toBe('0.61 ms [0.53 – 1.04] over 3 rows');
  });

  it('takes the upper middle row of an even count (a goal is not met by the better half alone)', () => {
    expect(summariseRounds([{ p99: 2 }, { p99: 1 }, { p99: 4 }, { p99: 3 }]).median.p99).toBe(3);
    expect(summariseRounds([{ p99: 0.9 }, { p99: 0.5 }]).median.p99).toBe(0.9);
    expect(summariseRounds([{ p99: 0.7 }]).median.p99).toBe(0.7);
  });

  it('upperMedian: the middle value, the upper one of an even count, as auth.bench takes it', () => {
    expect([upperMedian([1, 2, 3]), upperMedian([1, 2, 3, 4]), upperMedian([5])]).toEqual([2, 3, 5]);
    // auth.bench.ts: sorted[Math.floor(n / 2)]
    for (const n of [1, 2, 3, 4, 5, 6]) {
      const xs = Array.from({ length: n }, (_, i) => i);
      expect(upperMedian(xs)).toBe(xs[Math.floor(n / 2)]);
    }
    expect(() => upperMedian([])).toThrow(/no values/);
  });

  it('refuses no rows', () => {
    expect(() => summariseRounds([])).toThrow(/no rows/);
  });
});
