import { RingTier } from './ring-tier.js';
import { TIERS } from './tiers.js';

/**
 * Series per block. Each tier of a block is a table of its slots × this many series, so one
 * bucket of the block's series shares a cache line and a page instead of one page per series;
 * a block not yet full costs at most this many columns' worth of pages once its rings are full
 * (7 × 41 KB after 30 days).
 */
export const BLOCK_COLUMNS = 8;

/** Numbers per slot of each local tier: the raw sample; min/avg/max above it. */
const FIELDS = [1, 3, 3] as const;
/** Where each tier's table starts in a block, and the block's length in floats. */
const TABLE_AT = [0, 0, 0];
let blockFloats = 0;
for (const [i, spec] of TIERS.entries()) {
  TABLE_AT[i] = blockFloats;
  blockFloats += spec.capacity * FIELDS[i]! * BLOCK_COLUMNS;
}

/**
 * Blocks per slab: one 4 MB calloc, so glibc mmaps it (zeroed by the kernel, resident only as
 * written) even after its mmap threshold has risen past a block's 332 KB, which it does in a
 * plugin host (blocks allocated one by one landed in the malloc heap, partly memset: no
 * saving at all). 96 series per slab.
 */
const SLAB_BLOCKS = 12;

let slab: Float32Array | undefined;
let nextColumn = SLAB_BLOCKS * BLOCK_COLUMNS;

/**
 * The three rings (1 s / 1 min / 1 h) of a new local series, as one column of a block shared
 * with the next series: slot `s` of tier `t` for column `c` at `TABLE_AT[t] + (s × BLOCK_COLUMNS
 * + c) × fields` from the block's start. The buckets every series writes in the same second sit
 * side by side, so a block's pages become resident row by row as its tables fill, not one page
 * per tier and series from the first sample (blocks come from an mmapped slab: see
 * {@link SLAB_BLOCKS}). The ~75 local series of a one-node kernel, 8.5 minutes after start:
 * 280 KB of resident rings, against 1,068 KB when each series had its 41 KB to itself. Columns
 * are never given back: local series live as long as the process (the store drops none).
 */
export function takeColumnTiers(): [RingTier, RingTier, RingTier] {
  if (nextColumn === SLAB_BLOCKS * BLOCK_COLUMNS || !slab) {
    slab = new Float32Array(blockFloats * SLAB_BLOCKS);
    nextColumn = 0;
  }
  const data = slab;
  const base = Math.floor(nextColumn / BLOCK_COLUMNS) * blockFloats;
  const column = nextColumn++ % BLOCK_COLUMNS;
  const ring = (t: 0 | 1 | 2): RingTier => {
    const spec = TIERS[t];
    const fields = FIELDS[t];
    return new RingTier(
      spec.stepMs,
      spec.capacity,
      fields,
      data,
      base + (TABLE_AT[t] as number) + column * fields,
      BLOCK_COLUMNS * fields,
    );
  };
  return [ring(0), ring(1), ring(2)];
}
