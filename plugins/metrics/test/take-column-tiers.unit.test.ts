import { describe, expect, it } from 'vitest';
import { RingTier } from '../src/store/ring-tier.js';
import { SeriesHistory } from '../src/store/series-history.js';
import { BLOCK_COLUMNS, takeColumnTiers } from '../src/store/take-column-tiers.js';
import { AVG, MAX, MIN } from '../src/store/tiers.js';

/** A block's worth of series, starting at its first column (the blocks are shared by the module). */
function freshBlock(): SeriesHistory[] {
  while (takeColumnTiers()[0].offset % BLOCK_COLUMNS !== BLOCK_COLUMNS - 1);
  return Array.from({ length: BLOCK_COLUMNS }, () => new SeriesHistory());
}

/** The 4 KB pages of the block of `h` (the first column) holding a non-zero word. */
function pagesWritten(h: SeriesHistory): number {
  const [raw, , hour] = h.tiers;
  const words = new Uint32Array(raw.data.buffer);
  const pages = new Set<number>();
  for (let i = raw.offset; i < hour.offset + hour.capacity * hour.stride; i++)
    if (words[i] !== 0) pages.add(Math.floor((i * 4) / 4096));
  return pages.size;
}

describe('takeColumnTiers', () => {
  it('gives each series of a block its own column: values, gaps and clears stay apart', () => {
    const [x, y, z] = freshBlock() as [SeriesHistory, SeriesHistory, SeriesHistory];
    expect(x.tiers[0].data).toBe(y.tiers[0].data);
    const t0 = Date.UTC(2026, 0, 1, 10, 0, 0);
    for (let i = 0; i < 120; i++) {
      x.record(t0 + i * 1000, i);
      y.record(t0 + i * 1000, 1000 + i);
    }
    z.record(t0, 0);
    const s = t0 / 1000;
    expect([x.tiers[0].get(s + 5), y.tiers[0].get(s + 5), z.tiers[0].get(s)]).toEqual([5, 1005, 0]);
    expect(z.tiers[0].get(s + 5)).toBeNaN();
    const m = t0 / 60_000;
    const minute = (h: SeriesHistory, b: number) => [MIN, AVG, MAX].map((f) => h.tiers[1].get(b, f));
    expect(minute(x, m + 1)).toEqual([60, 89.5, 119]);
    expect(minute(y, m + 1)).toEqual([1060, 1089.5, 1119]);
    expect(minute(z, m + 1)).toEqual([Number.NaN, Number.NaN, Number.NaN]);
    // A gap longer than x's raw window clears x's ring, not y's.
    x.record(t0 + 2 * 3_600_000, 7);
    expect(x.tiers[0].get(s + 5)).toBeNaN();
    // Inside the window now, on the slot s + 5 had: cleared, not its old value.
    expect(x.tiers[0].get(s + 5 + 3660)).toBeNaN();
    expect(y.tiers[0].get(s + 5)).toBe(1005);
    expect(y.tiers[1].get(m + 1, AVG)).toBe(1089.5);
  });

  it('puts the same bucket of a block’s series on the same pages (few resident pages after ten minutes)', () => {
    const block = freshBlock();
    const t0 = Date.UTC(2026, 0, 1, 10, 0, 0);
    for (let i = 0; i < 600; i++) for (const h of block) h.record(t0 + i * 1000, 1 + (i % 7));
    // 600 raw rows of 8 floats (19.2 KB: 5–6 pages), 10 minute rows and one hour row (a page
    // each, two where a row straddles): 8 series that each had rings of their own wrote at
    // least 3 pages apiece (24).
    expect(pagesWritten(block[0] as SeriesHistory)).toBeLessThanOrEqual(10);
  });
});

describe('RingTier with a stride', () => {
  it('reads and writes only its own fields of each slot', () => {
    const data = new Float32Array(4 * 6);
    const a = new RingTier(1000, 4, 3, data, 0, 6);
    const b = new RingTier(1000, 4, 3, data, 3, 6);
    a.put(10, [1, 2, 3]);
    b.put(10, [4, 5, 6]);
    b.put(12, [7, 8, 9]);
    expect([a.get(10, 0), a.get(10, 2), b.get(10, 1), b.get(12, 2)]).toEqual([1, 3, 5, 9]);
    expect(a.get(11)).toBeNaN();
    a.put(40, [0, 0, 0]);
    // 38 is inside the window and on 10's slot: the gap cleared it.
    expect([a.get(10), a.get(38), a.get(40, 1)]).toEqual([Number.NaN, Number.NaN, 0]);
    expect([b.get(10, 0), b.get(12, 0)]).toEqual([4, 7]);
  });
});
