import { rmSync } from 'node:fs';
import { mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { open, rejection, removeDir, tempDataDir } from './storage-fixture.js';

let dir: string;
beforeEach(async () => {
  dir = await tempDataDir();
});
afterEach(async () => {
  await removeDir(dir);
});

const nsFile = (ns: string) => join(dir, 'storage', `${ns}.json`);

describe('storage files', () => {
  it('keeps one file per namespace and never rewrites another namespace', async () => {
    const storage = await open(dir);
    await storage.set('alpha', 'c', 'a', 1);
    await storage.set('beta', 'c', 'b', 1);
    const before = await stat(nsFile('beta'));
    for (let i = 0; i < 20; i++) await storage.set('alpha', 'c', `a${i}`, i);
    const after = await stat(nsFile('beta'));
    expect(after.ino).toBe(before.ino);
    expect(after.mtimeMs).toBe(before.mtimeMs);
    expect((await readdir(join(dir, 'storage'))).sort()).toEqual(['alpha.json', 'beta.json']);
    const alpha = JSON.parse(await readFile(nsFile('alpha'), 'utf8'));
    expect(Object.keys(alpha.collections.c)).toHaveLength(21);
    await storage.close();
  });

  it('group commit: 500 concurrent sets share far fewer file writes, and all are on disk when acked', async () => {
    const storage = await open(dir);
    await storage.set('busy', 'c', 'seed', 0);
    const writesBefore = storage.stats().busy!.writes;
    const inodeBefore = (await stat(nsFile('busy'))).ino;
    const acked = await Promise.all(
      Array.from({ length: 500 }, (_, i) => storage.set('busy', 'c', `r${i % 50}`, { i })),
    );
    const writes = storage.stats().busy!.writes - writesBefore;
    expect(writes).toBeGreaterThanOrEqual(1);
    expect(writes).toBeLessThanOrEqual(5);
    // Each write replaces the file (a new inode), so the file on disk is a replaced one.
    expect((await stat(nsFile('busy'))).ino).not.toBe(inodeBefore);
    // Acked means on disk: read the file itself, not the in-memory state.
    const onDisk = JSON.parse(await readFile(nsFile('busy'), 'utf8')).collections.c;
    for (const rec of acked) expect(onDisk[rec.id].version).toBeGreaterThanOrEqual(rec.version);
    expect(onDisk.r7.version).toBe(10);
    await storage.close();
  });

  it('a large collection survives updates, deletes and re-inserts across writes and reopen', async () => {
    const storage = await open(dir);
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
    await storage.close();
    const onDisk = JSON.parse(await readFile(nsFile('big'), 'utf8')).collections.c;
    expect(Object.keys(onDisk).length).toBe(expected.size);
    for (const [id, v] of expected) expect(onDisk[id].value).toBe(v);
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
    expect((await readdir(join(dir, 'storage'))).sort()).toEqual(['app.json', 'notes.txt']);
    expect(await readdir(join(dir, 'ephemeral'))).toEqual([]);
    expect((await again.get('app', 'c', 'k'))?.value).toBe('kept');
    await again.close();
  });
});

describe('storage write failures', () => {
  it('a failed write rejects exactly its mutations with OMEGA_ERR_STORAGE_IO and rolls them back', async () => {
    const storage = await open(dir);
    await storage.set('app', 'c', 'a', 'v1');
    // Make the next rename fail for real: the target becomes a non-empty directory.
    await rm(nsFile('app'));
    await mkdir(nsFile('app'));
    await writeFile(join(nsFile('app'), 'x'), '');

    const failing = storage.set('app', 'c', 'a', 'v2');
    await new Promise((r) => setImmediate(r)); // the failing write is in flight
    expect((await storage.get('app', 'c', 'a'))?.value).toBe('v2'); // applied in memory meanwhile
    // Queued behind it: one independent write, one that builds on the failing one.
    const independent = storage.set('app', 'c', 'b', 'b1');
    const dependent = storage.set('app', 'c', 'a', 'v3', { expectedVersion: 2 });
    // When the failure is reported, repair the disk, so the next write succeeds.
    // Synchronously, so it happens before the next write starts (that is a setImmediate away).
    const failure = failing.catch((err) => {
      rmSync(nsFile('app'), { recursive: true });
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
    expect((await readdir(join(dir, 'storage'))).sort()).toEqual(['app.json']); // no temp file left
    await again.close();
  });

  it('flush rejects while the disk keeps failing, and close still closes', async () => {
    const storage = await open(dir);
    await mkdir(join(nsFile('stuck'), 'blocker'), { recursive: true });
    const p = rejection(() => storage.set('stuck', 'c', 'k', 1));
    expect((await rejection(() => storage.flush())).code).toBe('OMEGA_ERR_STORAGE_IO');
    expect((await p).code).toBe('OMEGA_ERR_STORAGE_IO');
    expect(await storage.get('stuck', 'c', 'k')).toBeUndefined();
    await storage.close();
    expect((await rejection(() => storage.get('stuck', 'c', 'k'))).code).toBe('OMEGA_ERR_STORAGE_CLOSED');
  });
});
