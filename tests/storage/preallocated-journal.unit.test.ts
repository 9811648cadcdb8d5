import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FIRST_EXTENT, MAX_EXTENT } from '../../kernel/storage/journal/journal-file.js';
import { SegmentedJournal } from '../../kernel/storage/journal/segmented-journal.js';
import { parseFrames } from './read-store-files.js';
import { quietLogger, removeDir, tempDataDir } from './storage-fixture.js';

let dir: string;
beforeEach(async () => {
  dir = await tempDataDir();
});
afterEach(async () => {
  await removeDir(dir);
});

const fileOf = (gen: number) => join(dir, `t.${gen}.journal`);
const line = (i: number) => JSON.stringify({ i, pad: 'p'.repeat(300) });

/** The frames of `file` and whether everything after them is zero. */
async function contents(file: string) {
  const bytes = await readFile(file);
  const { frames, end } = parseFrames(bytes);
  return {
    seqs: frames.map((f) => f.seq),
    end,
    size: bytes.length,
    zeroTail: bytes.subarray(end).every((b) => b === 0),
  };
}

describe('preallocated journal segments', () => {
  it('zero-fill ahead of the frames grows by doubling extents, and recovery keeps the zeros for the next appends', async () => {
    const journal = SegmentedJournal.empty(fileOf);
    await journal.append([line(0)]);
    let c = await contents(fileOf(1));
    expect(c.size).toBe(c.end + FIRST_EXTENT); // the first frame and its extent in one write
    expect(c.zeroTail).toBe(true);
    const sizes = new Set<number>();
    for (let i = 1; i < 2000; i++) {
      await journal.append([line(i)]);
      if (i % 50 === 0) sizes.add((await stat(fileOf(1))).size);
    }
    c = await contents(fileOf(1));
    expect(c.seqs).toEqual(Array.from({ length: 2000 }, (_, i) => i + 1));
    expect(c.zeroTail).toBe(true);
    expect(c.size - c.end).toBeLessThanOrEqual(MAX_EXTENT);
    // Far fewer sizes than appends: the file grew in extents, not per frame.
    expect(sizes.size).toBeLessThan(15);
    // Each byte of the file was zero-filled at most once; the tail still is zeros.
    expect(journal.zeroFilled).toBeLessThanOrEqual(c.size);
    expect(journal.zeroFilled).toBeGreaterThanOrEqual(c.size - c.end);
    await journal.close();

    const applied: number[] = [];
    const again = await SegmentedJournal.recover({
      files: [{ gen: 1, file: fileOf(1) }],
      fileOf,
      after: 0,
      apply: (_payload, seq) => applied.push(seq),
      snapshotName: 'no snapshot',
      logger: quietLogger,
    });
    expect(applied).toHaveLength(2000);
    expect((await stat(fileOf(1))).size).toBe(c.size); // the zeros were kept, not truncated
    await again.append([line(2000)]);
    const after = await contents(fileOf(1));
    expect(after.size).toBe(c.size); // the append overwrote zeros
    expect(after.seqs.at(-1)).toBe(2001);
    await again.close();
  });

  it('rotating to a new segment cuts the old one back to its frames', async () => {
    const journal = SegmentedJournal.empty(fileOf);
    for (let i = 0; i < 10; i++) await journal.append([line(i)]);
    expect((await contents(fileOf(1))).size).toBeGreaterThan(journal.bytes);
    const gen = await journal.rotate();
    await journal.append([line(10)]);
    const old = await contents(fileOf(1));
    expect(old.size).toBe(old.end);
    expect(old.seqs).toHaveLength(10);
    const next = await contents(fileOf(gen));
    expect(next.seqs).toEqual([11]);
    expect(next.zeroTail).toBe(true);
    await journal.close();
  });
});
