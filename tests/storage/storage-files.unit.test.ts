import { rmSync } from 'node:fs';
import { mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../kernel/log/index.js';
import { openStorage } from '../../kernel/storage/index.js';
import { journalFiles, parseFrames, readNamespaceOnDisk } from './read-store-files.js';
import { open, quietLogger, rejection, removeDir, tempDataDir } from './storage-fixture.js';

let dir: string;
beforeEach(async () => {
  dir = await tempDataDir();
});
afterEach(async () => {
  await removeDir(dir);
});

const nsFile = (ns: string) => join(dir, 'storage', `${ns}.json`);
const journal = (ns: string, gen = 1) => join(dir, 'storage', `${ns}.${gen}.journal`);
/** A journal's whole frames, without the zero-filled space preallocated after them. */
const framesOf = async (file: string) => {
  const bytes = await readFile(file);
  return bytes.subarray(0, parseFrames(bytes).end);
};
/** True when every byte of `bytes` is zero. */
const allZero = (bytes: Buffer) => bytes.every((b) => b === 0);

describe('storage files', () => {
  it('keeps one journal per namespace and never touches another namespace', async () => {
    const first = await open(dir);
    await first.set('alpha', 'c', 'a', 1);
    await first.set('beta', 'c', 'b', 1);
    // beta's own zero extent is written in the background after its first frame: close (which
    // waits for it) and reopen, so what is compared below is only what alpha's writes do.
    await first.close();
    const storage = await open(dir);
    const before = await stat(journal('beta'));
    for (let i = 0; i < 20; i++) await storage.set('alpha', 'c', `a${i}`, i);
    const after = await stat(journal('beta'));
    expect([after.ino, after.size, after.mtimeMs]).toEqual([before.ino, before.size, before.mtimeMs]);
    expect((await readdir(join(dir, 'storage'))).sort()).toEqual(['alpha.1.journal', 'beta.1.journal']);
    const alpha = await readNamespaceOnDisk(dir, 'alpha');
    expect(alpha.get('c')?.size).toBe(21);
    await storage.close();
  });

  it('a write appends bytes in proportion to the change, not to the namespace', async () => {
    const storage = await open(dir);
    await Promise.all(
      Array.from({ length: 2000 }, (_, i) => storage.set('big', 'c', `k${i}`, { i, pad: 'p'.repeat(100) })),
    );
    const size = (await framesOf(journal('big'))).length;
    expect(size).toBeGreaterThan(2000 * 100);
    await storage.set('big', 'c', 'k7', { i: 7, pad: 'q' });
    const grown = (await framesOf(journal('big'))).length - size;
    const { frames } = parseFrames((await readFile(journal('big'))).subarray(size));
    expect(frames).toHaveLength(1);
    expect(frames[0]!.bytes).toBe(grown);
    expect(grown).toBeLessThan(300); // one frame with one record, whatever the namespace holds
    expect(JSON.parse(frames[0]!.lines[0]!)).toMatchObject({ set: 'c', record: { id: 'k7', version: 2 } });
    await storage.close();
  });

  it('group commit: 500 concurrent sets share far fewer journal frames, and all are on disk when acked', async () => {
    const storage = await open(dir);
    await storage.set('busy', 'c', 'seed', 0);
    const writesBefore = storage.stats().busy!.writes;
    const acked = await Promise.all(
      Array.from({ length: 500 }, (_, i) => storage.set('busy', 'c', `r${i % 50}`, { i })),
    );
    const writes = storage.stats().busy!.writes - writesBefore;
    expect(writes).toBeGreaterThanOrEqual(1);
    expect(writes).toBeLessThanOrEqual(5);
    // One frame per write, and nothing else in the journal.
    const bytes = await readFile(journal('busy'));
    const { frames, end } = parseFrames(bytes);
    expect(frames.map((f) => f.seq)).toEqual(Array.from({ length: writes + 1 }, (_, i) => i + 1));
    expect(allZero(bytes.subarray(end))).toBe(true); // after the frames: only preallocated zeros
    // Acked means on disk: read the files themselves, not the in-memory state.
    const onDisk = (await readNamespaceOnDisk(dir, 'busy')).get('c')!;
    for (const rec of acked) expect(onDisk.get(rec.id)!.version).toBeGreaterThanOrEqual(rec.version);
    expect(onDisk.get('r7')!.version).toBe(10);
    await storage.close();
  });

  it('a large collection survives updates, deletes, re-inserts and compactions across reopen', async () => {
    const storage = await openStorage({
      dataDir: dir,
      logger: quietLogger,
      compaction: { minJournalBytes: 20_000, journalRatio: 0.5 },
    });
    const expected = new Map<string, number>();
    await Promise.all(Array.from({ length: 1500 }, (_, i) => storage.set('big', 'c', `k${i}`, i)));
    for (let i = 0; i < 1500; i++) expected.set(`k${i}`, i);
    for (let round = 0; round < 3; round++) {
      const ops: Promise<unknown>[] = [];
      for (let i = round; i < 1500; i += 7) {
        ops.push(storage.delete('big', 'c', `k${i}`));
        expected.delete(`k${i}`);
      }
      for (let i = round; i < 1500; i += 11) {
        ops.push(storage.set('big', 'c', `k${i}`, -i - 1));
        expected.set(`k${i}`, -i - 1);
      }
      await Promise.all(ops);
    }
    await storage.compact('big');
    for (let i = 0; i < 100; i++) {
      await storage.set('big', 'c', `k${i}`, i * 10);
      expected.set(`k${i}`, i * 10);
    }
    expect(storage.stats().big!.compactions).toBeGreaterThanOrEqual(1);
    await storage.close();
    const onDisk = (await readNamespaceOnDisk(dir, 'big')).get('c')!;
    expect(onDisk.size).toBe(expected.size);
    for (const [id, v] of expected) expect(onDisk.get(id)!.value).toBe(v);
    const again = await open(dir);
    let listed = 0;
    let cursor: string | undefined;
    do {
      const page = await again.list<number>('big', 'c', { limit: 1000, cursor });
      for (const r of page.items) expect(r.value).toBe(expected.get(r.id));
      listed += page.items.length;
      cursor = page.nextCursor;
    } while (cursor);
    expect(listed).toBe(expected.size);
    await again.close();
  });

  it('sequential awaited sets each get their own write', async () => {
    const storage = await open(dir);
    for (let i = 0; i < 5; i++) await storage.set('seq', 'c', 'k', i);
    expect(storage.stats().seq).toMatchObject({ writes: 5, mutations: 5, records: 1 });
    await storage.close();
  });

  it('mutations made while a write is in flight go into the next write', async () => {
    const storage = await open(dir);
    const first = storage.set('w', 'c', 'a', 1);
    await new Promise((r) => setImmediate(r)); // the first write has started
    const more = Array.from({ length: 30 }, (_, i) => storage.set('w', 'c', `b${i}`, i));
    await Promise.all([first, ...more]);
    expect(storage.stats().w).toMatchObject({ writes: 2, mutations: 31 });
    await storage.close();
  });

  for (const [name, content] of [
    ['truncated', '{"format":1,"collections":{"c":{"a":{"id":"a","vers'],
    ['empty', ''],
    ['not ours', '[1,2,3]'],
    ['malformed record', '{"format":1,"collections":{"c":{"a":{"id":"b","version":1}}}}'],
  ] as const) {
    it(`a ${name} namespace file stops open with OMEGA_ERR_STORAGE_CORRUPT and is left untouched`, async () => {
      await mkdir(join(dir, 'storage'), { recursive: true });
      await writeFile(nsFile('good'), '{"format":1,"collections":{}}');
      await writeFile(nsFile('bad'), content);
      const before = await stat(nsFile('bad'));
      const err = await rejection(() => open(dir));
      expect(err.code).toBe('OMEGA_ERR_STORAGE_CORRUPT');
      expect(err.message).toContain(nsFile('bad'));
      expect(err.message).toMatch(/backup/);
      expect(err.message).toMatch(/move it aside/);
      expect(await readFile(nsFile('bad'), 'utf8')).toBe(content);
      const after = await stat(nsFile('bad'));
      expect([after.ino, after.mtimeMs]).toEqual([before.ino, before.mtimeMs]);
    });
  }

  it('a corrupt ephemeral file also stops open', async () => {
    await mkdir(join(dir, 'ephemeral'), { recursive: true });
    await writeFile(join(dir, 'ephemeral', 'app.beats.json'), '{"format":1,"entries":{');
    const err = await rejection(() => open(dir));
    expect(err.code).toBe('OMEGA_ERR_STORAGE_CORRUPT');
    expect(err.message).toContain('app.beats.json');
  });

  it('removes temp files left by a crash and ignores foreign files', async () => {
    const storage = await open(dir);
    await storage.set('app', 'c', 'k', 'kept');
    await storage.close();
    const stale = join(dir, 'storage', `.app.json.${process.pid}.7.tmp`);
    await writeFile(stale, '{"format":1,"colle');
    await writeFile(join(dir, 'ephemeral', '.app.x.json.123.0.tmp'), '');
    await writeFile(join(dir, 'storage', 'notes.txt'), 'operator notes');
    const again = await open(dir);
    expect((await readdir(join(dir, 'storage'))).sort()).toEqual(['app.1.journal', 'notes.txt']);
    expect(await readdir(join(dir, 'ephemeral'))).toEqual([]);
    expect((await again.get('app', 'c', 'k'))?.value).toBe('kept');
    await again.close();
  });
});

/** A format-1 snapshot (what kernels before the journal wrote) holding `c/a` at version 1. */
const FORMAT1 =
  '{"format":1,"collections":{"c":{"a":{"id":"a","version":1,"createdAt":"2026-01-01T00:00:00.000Z",' +
  '"updatedAt":"2026-01-01T00:00:00.000Z","value":"v1"}}}}';

describe('storage write failures', () => {
  it('a failed write rejects exactly its mutations with OMEGA_ERR_STORAGE_IO and rolls them back', async () => {
    // A namespace with a snapshot and no journal yet (as after an upgrade): the next write creates
    // the journal. Make that fail for real: its path is a non-empty directory.
    await mkdir(join(dir, 'storage'), { recursive: true });
    await writeFile(nsFile('app'), FORMAT1);
    const storage = await open(dir);
    expect((await storage.get('app', 'c', 'a'))?.value).toBe('v1');
    await mkdir(join(journal('app'), 'x'), { recursive: true });

    const failing = storage.set('app', 'c', 'a', 'v2');
    await new Promise((r) => setImmediate(r)); // the failing write is in flight
    expect((await storage.get('app', 'c', 'a'))?.value).toBe('v2'); // applied in memory meanwhile
    // Queued behind it: one independent write, one that builds on the failing one.
    const independent = storage.set('app', 'c', 'b', 'b1');
    const dependent = storage.set('app', 'c', 'a', 'v3', { expectedVersion: 2 });
    // When the failure is reported, repair the disk, so the next write succeeds.
    // Synchronously, so it happens before the next write starts (that is a setImmediate away).
    const failure = failing.catch((err) => {
      rmSync(journal('app'), { recursive: true });
      return err;
    });
    const dependentFailure = rejection(() => dependent);

    const err = await failure;
    expect(err.code).toBe('OMEGA_ERR_STORAGE_IO');
    expect(err.message).not.toContain(dir); // no host paths towards callers
    const dependentErr = await dependentFailure;
    expect(dependentErr.code).toBe('OMEGA_ERR_CONFLICT');
    expect(dependentErr.extras).toMatchObject({ expected: 2, actual: 1 });
    await expect(independent).resolves.toMatchObject({ id: 'b', version: 1 });

    expect((await storage.get('app', 'c', 'a'))?.value).toBe('v1');
    expect(storage.stats().app).toMatchObject({ failedWrites: 1 });
    await storage.close();

    const again = await open(dir);
    expect(await again.get('app', 'c', 'a')).toMatchObject({ version: 1, value: 'v1' });
    expect(await again.get('app', 'c', 'b')).toMatchObject({ version: 1, value: 'b1' });
    expect((await readdir(join(dir, 'storage'))).sort()).toEqual(['app.1.journal', 'app.json']); // no temp file
    await again.close();
  });

  it('flush rejects while the disk keeps failing, and close still closes', async () => {
    const storage = await open(dir);
    await mkdir(join(journal('stuck'), 'blocker'), { recursive: true });
    const p = rejection(() => storage.set('stuck', 'c', 'k', 1));
    expect((await rejection(() => storage.flush())).code).toBe('OMEGA_ERR_STORAGE_IO');
    expect((await p).code).toBe('OMEGA_ERR_STORAGE_IO');
    expect(await storage.get('stuck', 'c', 'k')).toBeUndefined();
    await storage.close();
    expect((await rejection(() => storage.get('stuck', 'c', 'k'))).code).toBe('OMEGA_ERR_STORAGE_CLOSED');
  });
});

describe('journal damage', () => {
  /** Writes three records in three frames and returns the journal's bytes. */
  async function threeFrames(): Promise<Buffer> {
    const storage = await open(dir);
    for (const id of ['a', 'b', 'c']) await storage.set('app', 'c', id, { id });
    await storage.close();
    return framesOf(journal('app'));
  }

  for (const [name, tail] of [
    ['half a frame', (frame: Buffer) => frame.subarray(0, frame.length - 7)],
    ['a frame header only', (frame: Buffer) => frame.subarray(0, 20)],
    ['zeros (size grew, data never written)', (frame: Buffer) => Buffer.alloc(frame.length)],
    ['a frame with a flipped byte', (frame: Buffer) => Buffer.from(frame).fill(0x41, 30, 31)],
  ] as const) {
    for (const [where, after] of [
      ['at the end of the file', 0],
      ['in preallocated space', 64 * 1024],
    ] as const)
      it(`a torn tail (${name}, ${where}) is dropped and logged; the acknowledged frames before it stay`, async () => {
        const bytes = await threeFrames();
        const { frames } = parseFrames(bytes);
        const last = bytes.subarray(bytes.length - frames[2]!.bytes);
        // The third frame was never acknowledged: the crash came in the middle of its append
        // (over the zeros preallocated for it, or past the file's end).
        await writeFile(
          journal('app'),
          Buffer.concat([bytes.subarray(0, bytes.length - last.length), tail(last), Buffer.alloc(after)]),
        );
        const lines: string[] = [];
        const storage = await openStorage({
          dataDir: dir,
          logger: createLogger({ level: 'warn', destination: { write: (l: string) => lines.push(l) } }),
        });
        expect((await storage.list('app', 'c')).items.map((r) => r.id)).toEqual(['a', 'b']);
        if (allZero(tail(last))) {
          // Zeros where a frame should be are what preallocation leaves: nothing to report.
          expect(lines.join('')).not.toMatch(/torn tail/);
        } else {
          expect(lines.join('')).toMatch(/torn tail/);
          expect(lines.join('')).toContain(journal('app'));
        }
        // The tail is cut off, so the next append lands on a clean end and survives reopening.
        await storage.set('app', 'c', 'd', 1);
        await storage.close();
        const again = await open(dir);
        expect((await again.list('app', 'c')).items.map((r) => r.id)).toEqual(['a', 'b', 'd']);
        await again.close();
      });
  }

  it('a preallocated zero tail is kept, not reported, and the next append overwrites its start', async () => {
    const whole = await threeFrames();
    const size = (await stat(journal('app'))).size;
    expect(size).toBeGreaterThan(whole.length); // zero-filled ahead of the frames
    expect(allZero((await readFile(journal('app'))).subarray(whole.length))).toBe(true);
    const lines: string[] = [];
    const storage = await openStorage({
      dataDir: dir,
      logger: createLogger({ level: 'warn', destination: { write: (l: string) => lines.push(l) } }),
    });
    expect(lines.join('')).toBe('');
    await storage.set('app', 'c', 'd', 1);
    const after = await readFile(journal('app'));
    expect(after.length).toBe(size); // written into the zeros: the file did not grow
    expect(parseFrames(after).frames.map((f) => f.seq)).toEqual([1, 2, 3, 4]);
    await storage.close();
    const again = await open(dir);
    expect((await again.list('app', 'c')).items.map((r) => r.id)).toEqual(['a', 'b', 'c', 'd']);
    await again.close();
  });

  it('a zero tail in an older segment is not damage', async () => {
    const storage = await openStorage({
      dataDir: dir,
      logger: quietLogger,
      compaction: { minJournalBytes: 1 << 30, journalRatio: 1 },
    });
    for (const id of ['a', 'b']) await storage.set('app', 'c', id, { id });
    await storage.close();
    // Make the (zero-tailed) segment 1 an older one: a newer segment 3 follows it, as a
    // compaction's rotation leaves them until the snapshot is written.
    const { encodeFrame, encodePayload } = await import('../../kernel/storage/journal/frame.js');
    const line = '{"set":"c","record":{"id":"z","version":1,"createdAt":"x","updatedAt":"x","value":1}}';
    await writeFile(journal('app', 3), encodeFrame(3, encodePayload([line])));
    expect(allZero((await readFile(journal('app'))).subarray((await framesOf(journal('app'))).length))).toBe(
      true,
    );
    const again = await open(dir);
    expect((await again.list('app', 'c')).items.map((r) => r.id)).toEqual(['a', 'b', 'z']);
    await again.close();
  });

  it('damage in the middle of a journal stops open with OMEGA_ERR_STORAGE_CORRUPT naming it, untouched', async () => {
    const bytes = await threeFrames();
    const { frames } = parseFrames(bytes);
    const damaged = Buffer.from(bytes);
    const at = frames[0]!.bytes + 25; // inside the second frame's payload; the third is intact
    damaged[at] = damaged[at]! ^ 0xff;
    await writeFile(journal('app'), damaged);
    const err = await rejection(() => open(dir));
    expect(err.code).toBe('OMEGA_ERR_STORAGE_CORRUPT');
    expect(err.message).toContain(journal('app'));
    expect(err.message).toMatch(/backup/);
    expect(err.message).toMatch(/move it aside/);
    expect((await readFile(journal('app'))).equals(damaged)).toBe(true);
  });

  it('a frame whose checksum passes but whose content is not a journal line stops open', async () => {
    await threeFrames();
    const storage = await open(dir);
    await storage.close();
    // A well-formed frame (valid checksum) carrying garbage: written by something else, not torn.
    const { encodeFrame, encodePayload } = await import('../../kernel/storage/journal/frame.js');
    const bytes = await framesOf(journal('app'));
    await writeFile(journal('app'), Buffer.concat([bytes, encodeFrame(4, encodePayload(['{"nope":1}']))]));
    const err = await rejection(() => open(dir));
    expect(err.code).toBe('OMEGA_ERR_STORAGE_CORRUPT');
    expect(err.message).toContain('frame 4');
  });

  it('a journal that skips frames the snapshot does not cover stops open', async () => {
    await threeFrames();
    const { encodeFrame, encodePayload } = await import('../../kernel/storage/journal/frame.js');
    const bytes = await framesOf(journal('app'));
    const line = '{"set":"c","record":{"id":"z","version":1,"createdAt":"x","updatedAt":"x","value":1}}';
    await writeFile(journal('app'), Buffer.concat([bytes, encodeFrame(9, encodePayload([line]))]));
    const err = await rejection(() => open(dir));
    expect(err.code).toBe('OMEGA_ERR_STORAGE_CORRUPT');
    expect(err.message).toMatch(/frame 9 .* follows frame 3/);
  });

  it('snapshots read back exactly, odd ids included; hand-formatted ones too; a cut one stops open', async () => {
    const ids = [
      '__proto__',
      'a/../../b',
      '"quoted"',
      'back\\slash',
      'x'.repeat(256),
      '😀',
      'line\u2028sep',
      'é',
    ];
    const value = { s: 'é\u2028"\\', n: -1.5e-7, z: null, a: [1, [2, { c: 3 }]], e: {} };
    let storage = await open(dir);
    for (const id of ids) await storage.set('odd', 'c', id, { id, value });
    await storage.set('odd', 'other', 'k', 1);
    await storage.compact('odd');
    const before = await storage.list('odd', 'c', { limit: 100 });
    const bytes = storage.stats().odd!.bytes;
    await storage.close();
    const text = await readFile(nsFile('odd'), 'utf8');
    expect(text.split('\n').length).toBeGreaterThan(ids.length); // one record per line
    const check = async () => {
      storage = await open(dir);
      expect(await storage.list('odd', 'c', { limit: 100 })).toEqual(before);
      expect(storage.stats().odd!.bytes).toBe(bytes);
      await storage.close();
    };
    await check();
    // The same document, formatted by hand: read as a whole instead.
    await writeFile(nsFile('odd'), JSON.stringify(JSON.parse(text), null, 2));
    await check();
    // Cut in the middle of a record line: corrupt, named, untouched.
    const cut = text.slice(0, Math.floor(text.length / 2));
    await writeFile(nsFile('odd'), cut);
    const err = await rejection(() => open(dir));
    expect(err.code).toBe('OMEGA_ERR_STORAGE_CORRUPT');
    expect(err.message).toContain(nsFile('odd'));
    expect(await readFile(nsFile('odd'), 'utf8')).toBe(cut);
  });

  it('a snapshot of several MiB (many slices, multi-byte text, a record larger than a slice) reads back whole', async () => {
    let storage = await open(dir);
    const expected = new Map<string, unknown>();
    for (let i = 0; i < 3000; i += 500) {
      await Promise.all(
        Array.from({ length: 500 }, (_, j) => {
          const v = { i: i + j, text: `ünïcödé ✓ 🚀 ${'é'.repeat((i + j) % 700)}` };
          expected.set(`k${i + j}`, v);
          return storage.set('big', 'c', `k${i + j}`, v);
        }),
      );
    }
    const huge = { blob: '🚀'.repeat(400_000) }; // 1.6 MB of UTF-8, more than one write slice
    expected.set('huge', huge);
    await storage.set('big', 'c', 'huge', huge);
    await storage.compact('big');
    const bytes = storage.stats().big!.bytes;
    await storage.close();
    expect((await stat(nsFile('big'))).size).toBeGreaterThan(4_000_000);
    storage = await open(dir);
    expect(storage.stats().big!.bytes).toBe(bytes);
    for (const [id, v] of expected) expect((await storage.get('big', 'c', id))?.value, id).toEqual(v);
    await storage.close();
  });

  it('a namespace written by an older kernel (format 1, no journal) opens and gains a journal', async () => {
    await mkdir(join(dir, 'storage'), { recursive: true });
    await writeFile(nsFile('app'), FORMAT1);
    const storage = await open(dir);
    expect(await storage.get('app', 'c', 'a')).toMatchObject({ version: 1, value: 'v1' });
    await storage.set('app', 'c', 'a', 'v2');
    await storage.compact('app');
    await storage.close();
    const doc = JSON.parse(await readFile(nsFile('app'), 'utf8'));
    expect(doc).toMatchObject({
      format: 2,
      through: 1,
      collections: { c: { a: { version: 2, value: 'v2' } } },
    });
    expect(await journalFiles(join(dir, 'storage'), 'app')).toEqual([journal('app', 2)]);
  });
});
