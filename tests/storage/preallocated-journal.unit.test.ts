import { readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { encodeFrame, encodePayload } from '../../kernel/storage/journal/frame.js';
import { FIRST_EXTENT, JournalFile, MAX_EXTENT } from '../../kernel/storage/journal/journal-file.js';
import { SegmentedJournal } from '../../kernel/storage/journal/segmented-journal.js';
import { parseFrames } from './read-store-files.js';
import { mountSmallDisk } from './small-disk.js';
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
    await journal.settled();
    let c = await contents(fileOf(1));
    expect(c.size).toBe(c.end + FIRST_EXTENT); // the first frame, then its extent (written after it)
    expect(c.zeroTail).toBe(true);
    const sizes = new Set<number>();
    for (let i = 1; i < 2000; i++) {
      await journal.append([line(i)]);
      if (i % 50 === 0) sizes.add((await stat(fileOf(1))).size);
    }
    await journal.settled();
    c = await contents(fileOf(1));
    expect(c.seqs).toEqual(Array.from({ length: 2000 }, (_, i) => i + 1));
    expect(c.zeroTail).toBe(true);
    // At most the half extent left when the next one was started, then that extent.
    expect(c.size - c.end).toBeLessThanOrEqual(MAX_EXTENT * 1.5);
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

  it('an append that crosses into a new extent does not write it: the zeros are written in the background, ahead of the frames', async () => {
    const file = join(dir, 'j.journal');
    const journal = await JournalFile.create(file);
    const big = (i: number) => JSON.stringify({ i, pad: 'p'.repeat(3000) });
    let firstFrame = 0;
    let fills = 0;
    for (let seq = 1; seq <= 700; seq++) {
      await journal.settled(); // the extent started by an earlier append has landed
      const frame = encodeFrame(seq, encodePayload([big(seq)]));
      const before = (await stat(file)).size;
      // Every frame but a new file's first lands on zeros the file already holds: no append
      // grows the file, so none writes zeros (before, one in each extent wrote the next inline).
      if (seq === 1) firstFrame = frame.length;
      else expect(journal.size + frame.length, `frame ${seq}`).toBeLessThanOrEqual(before);
      await journal.append(frame);
      if (!journal.filling) continue;
      // Acknowledged while the next extent's zeros are still being written: the ack did not wait.
      fills++;
      const allocated = journal.allocated; // the zeros' end before this extent
      await journal.settled();
      const bytes = await readFile(file);
      expect(bytes.length - allocated).toBe(Math.min(MAX_EXTENT, Math.max(FIRST_EXTENT, allocated)));
      expect(bytes.subarray(journal.size).every((b) => b === 0)).toBe(true);
    }
    // ~2.1 MB of frames: the file grew by 64 KiB, 128 KiB, … up to 1 MiB at a time.
    expect(fills).toBeGreaterThanOrEqual(6);
    const c = await contents(file);
    expect(c.seqs).toEqual(Array.from({ length: 700 }, (_, i) => i + 1));
    expect(c.zeroTail).toBe(true);
    // Every byte but the first frame's was written as zeros first, once.
    expect(journal.zeroFilled).toBe(c.size - firstFrame);
    await journal.close();
  });

  it('a frame bigger than the zeros left waits for the extent in flight, then lands after the frames, never under the zeros', async () => {
    const file = join(dir, 'j.journal');
    const journal = await JournalFile.create(file);
    await journal.append(encodeFrame(1, encodePayload([line(1)])));
    expect(journal.filling).toBe(true);
    // Bigger than the 64 KiB being zero-filled: it must not be written before that write is done.
    const huge = encodeFrame(2, encodePayload([JSON.stringify({ pad: 'h'.repeat(200_000) })]));
    await journal.append(huge);
    await journal.append(encodeFrame(3, encodePayload([line(3)])));
    await journal.settled();
    const c = await contents(file);
    expect(c.seqs).toEqual([1, 2, 3]);
    expect(c.end).toBe(journal.size);
    expect(c.zeroTail).toBe(true);
    await journal.close();
  });

  it('a zero write that finds the disk full stops preallocating and cuts its part back; appends go on into the zeros, then past them, until the disk is full', async (ctx) => {
    const disk = mountSmallDisk(1024);
    if (typeof disk === 'string') return ctx.skip(disk);
    try {
      // About 100 KB free: room for the first 64 KiB extent, not for the next one.
      const gap = join(disk.dir, 'gap');
      await writeFile(gap, Buffer.alloc(100 * 1024));
      disk.fill();
      await rm(gap);
      const file = join(disk.dir, 'j.journal');
      const journal = await JournalFile.create(file);
      const big = (i: number) => JSON.stringify({ i, pad: 'p'.repeat(3000) });
      const acked: number[] = [];
      let refused: NodeJS.ErrnoException | undefined;
      for (let seq = 1; seq <= 200 && !refused; seq++) {
        await journal.settled();
        // The file holds nothing past what the journal counts: a zero write's partial extent was cut back.
        expect((await stat(file)).size, `before frame ${seq}`).toBe(journal.allocated);
        try {
          await journal.append(encodeFrame(seq, encodePayload([big(seq)])));
          acked.push(seq);
        } catch (err) {
          refused = err as NodeJS.ErrnoException;
        }
      }
      expect(refused?.code).toBe('ENOSPC');
      // Only the first extent was ever zero-filled: the second did not fit and was cut back.
      expect(journal.zeroFilled).toBe(FIRST_EXTENT);
      expect(journal.filling).toBe(false);
      // Frames went on past the zeros until the disk was full; every acknowledged one is whole.
      expect(journal.size).toBeGreaterThan(FIRST_EXTENT);
      let c = await contents(file);
      expect(c.seqs).toEqual(acked);
      expect(c.end).toBe(journal.size);
      expect(c.size).toBe(c.end); // cut back to the last whole frame
      // Room again: appends go on (without zeros ahead, for this file).
      disk.free();
      const next = acked.length + 1;
      await journal.append(encodeFrame(next, encodePayload([big(next)])));
      expect(journal.filling).toBe(false);
      c = await contents(file);
      expect(c.seqs).toEqual([...acked, next]);
      expect(c.size).toBe(c.end);
      await journal.close();
    } finally {
      disk.unmount();
    }
  });
});
