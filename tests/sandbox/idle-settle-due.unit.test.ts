import { describe, expect, it } from 'vitest';
import {
  type HeapSizes,
  SETTLE_GARBAGE_BYTES,
  SETTLE_GROWTH_SHARE,
  SETTLE_QUIET_CPU_MS,
  SETTLE_REGROWTH_BYTES,
  settleDue,
  settleGcs,
} from '../../kernel/sandbox/host/settle-due.js';

/**
 * When a quiet host settles (kernel/sandbox/host/settle-due.ts): quiet is CPU per second of the
 * window, not a count of calls, and a host that settled once settles again when it regrew.
 */
const MB = 1024 * 1024;
const settled: HeapSizes = { total: 8 * MB, used: 5 * MB };
const grown = (total: number, used: number): HeapSizes => ({
  total: settled.total + total,
  used: settled.used + used,
});
const quiet = SETTLE_QUIET_CPU_MS;
const big: HeapSizes = { total: 220 * MB, used: 200 * MB };
const large = (total: number, used: number): HeapSizes => ({
  total: big.total + total,
  used: big.used + used,
});

describe('settleDue', () => {
  const cases: Array<[string, number, boolean, HeapSizes, HeapSizes | undefined, boolean]> = [
    // [case, busiest second's CPU ms, owed, heaps now, heaps after the last settle, settles]
    ['never settled, quiet', 5, true, settled, undefined, true],
    ['never settled, a second over 5 % of a core', quiet + 1, true, settled, undefined, false],
    ['busy spell behind it, quiet now', quiet, true, settled, settled, true],
    [
      'settled, quiet, a little garbage',
      5,
      false,
      grown(512 * 1024, SETTLE_GARBAGE_BYTES - 1),
      settled,
      false,
    ],
    ['settled, young generation regrown', 5, false, grown(SETTLE_REGROWTH_BYTES, 0), settled, true],
    ['settled, garbage from its ticks', 5, false, grown(0, SETTLE_GARBAGE_BYTES), settled, true],
    ['settled, regrown, but busy', quiet + 1, false, grown(2 * MB, 2 * MB), settled, false],
    ['settled, heaps smaller than after it', 5, false, grown(-MB, -MB), settled, false],
    // A 200 MB heap: a full GC of it is long, so the same 2 MiB of regrowth is not worth one…
    [
      'large heap, floors of regrowth and garbage',
      5,
      false,
      large(SETTLE_REGROWTH_BYTES, SETTLE_GARBAGE_BYTES),
      big,
      false,
    ],
    // …but its share is.
    [
      'large heap, its share regrown',
      5,
      false,
      large(big.total * SETTLE_GROWTH_SHARE, big.used * SETTLE_GROWTH_SHARE),
      big,
      true,
    ],
  ];
  it.each(cases)('%s', (_, peakCpuMs, owed, now, after, due) => {
    expect(settleDue({ peakCpuMs, owed, now, ...(after ? { after } : {}) })).toBe(due);
  });
});

describe('settleGcs', () => {
  it('runs two GCs of each heap after a busy spell or the first time, one on regrowth', () => {
    expect(settleGcs({ owed: true })).toBe(2);
    expect(settleGcs({ owed: false })).toBe(2);
    expect(settleGcs({ owed: true, after: settled })).toBe(2);
    expect(settleGcs({ owed: false, after: settled })).toBe(1);
  });
});
