import { describe, expect, it } from 'vitest';
import {
  balanceCycle,
  balancedOrder,
  cycleCoverage,
  unbalancedRounds,
  williamsDesign,
} from '../../bench/balanced-order.js';

/** How often each case takes each place, and how often each case runs right after each other one. */
const counts = (design: number[][], n: number) => {
  const place = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  const after = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  for (const row of design) {
    row.forEach((c, p) => {
      place[c]![p]!++;
      if (p > 0) after[row[p - 1]!]![c]!++;
    });
  }
  return { place, after };
};

describe('williamsDesign (bench case orders balanced for place and carry-over)', () => {
  for (let n = 1; n <= 11; n++) {
    it(`${n} cases: each case in each place, and after each other case, equally often over a cycle`, () => {
      const design = williamsDesign(n);
      expect(design).toHaveLength(n % 2 === 0 || n === 1 ? n : 2 * n);
      for (const row of design) expect([...row].sort((a, b) => a - b)).toEqual([...Array(n).keys()]);
      const { place, after } = counts(design, n);
      const each = design.length / n;
      for (const c of place) expect(c).toEqual(new Array(n).fill(each));
      // every ordered pair of distinct cases adjacent the same number of times; never a case after itself
      const pairs = (design.length * (n - 1)) / (n * (n - 1) || 1);
      after.forEach((row, a) => {
        row.forEach((k, b) => {
          expect(k).toBe(a === b ? 0 : pairs);
        });
      });
    });
  }

  it("keeps auth.bench's four-case square as it was", () => {
    expect(williamsDesign(4)).toEqual([
      [0, 1, 3, 2],
      [1, 2, 0, 3],
      [2, 3, 1, 0],
      [3, 0, 2, 1],
    ]);
  });

  it('rejects a case count that is not a positive integer', () => {
    for (const n of [0, -1, 2.5, Number.NaN]) expect(() => williamsDesign(n)).toThrow(/cases/);
  });
});

describe('balancedOrder', () => {
  it("maps round r to the design's row r, repeating every cycle", () => {
    const items = ['a', 'b', 'c', 'd', 'e'];
    expect(balanceCycle(items.length)).toBe(10);
    for (let r = 0; r < 25; r++) {
      expect(balancedOrder(items, r)).toEqual(williamsDesign(5)[r % 10]!.map((i) => items[i]));
    }
  });

  it('does not reorder its input', () => {
    const items = [1, 2, 3];
    balancedOrder(items, 1);
    expect(items).toEqual([1, 2, 3]);
  });
});

describe('unbalancedRounds (the one-line warning)', () => {
  it('is silent on a whole number of cycles, one line with the nearest whole counts otherwise', () => {
    expect(unbalancedRounds(12, 4)).toBeUndefined();
    expect(unbalancedRounds(6, 3)).toBeUndefined();
    const w = unbalancedRounds(5, 4);
    expect(w).toContain('cycle (4 rounds)');
    expect(w).toContain('use 4 or 8');
    expect(w).not.toContain('\n');
    expect(unbalancedRounds(3, 9)).toMatch(/cycle \(18 rounds\).*use 18$/);
  });
});

describe('cycleCoverage (the line every run prints)', () => {
  it('counts whole cycles, or gives the warning', () => {
    expect(cycleCoverage(8, 4, 'wrk rounds')).toBe(
      '8 wrk rounds of 4 cases: 2 whole balanced cycles (4 rounds each)',
    );
    expect(cycleCoverage(18, 9)).toContain('1 whole balanced cycle (18 rounds each)');
    expect(cycleCoverage(3, 9, 'wrk rounds')).toBe(unbalancedRounds(3, 9, 'wrk rounds'));
  });
});
