import { rmSync } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Storage } from '../../kernel/storage/index.js';
import { quotaBytesOnDisk } from './read-store-files.js';
import { open, rejection, removeDir, tempDataDir } from './storage-fixture.js';

let dir: string;
beforeEach(async () => {
  dir = await tempDataDir();
});
afterEach(async () => {
  await removeDir(dir);
});

/** The namespace's size as the quota defines it, computed independently from its files. */
const bytesOnDisk = (ns: string) => quotaBytesOnDisk(dir, ns);

const used = (storage: Storage, ns: string) => storage.stats()[ns]?.bytes;

describe('storage byte accounting', () => {
  it('counts exactly the serialised records across set, overwrite, delete and reopen', async () => {
    const storage = await open(dir);
    await storage.set('acc', 'a', 'one', { text: 'plain' });
    await storage.set('acc', 'a', 'two', 'ünïcödé ✓ 🚀'); // multi-byte UTF-8
    await storage.set('acc', 'b', 'x', [1, 2, 3]);
    expect(used(storage, 'acc')).toBe(await bytesOnDisk('acc'));

    await storage.set('acc', 'a', 'one', { text: 'a much longer value than before'.repeat(10) });
    expect(used(storage, 'acc')).toBe(await bytesOnDisk('acc'));
    await storage.set('acc', 'a', 'one', 's'); // shrinks
    expect(used(storage, 'acc')).toBe(await bytesOnDisk('acc'));

    expect(await storage.delete('acc', 'a', 'two')).toBe(true);
    expect(await storage.delete('acc', 'a', 'absent')).toBe(false);
    const beforeClose = used(storage, 'acc');
    expect(beforeClose).toBe(await bytesOnDisk('acc'));
    expect(beforeClose).toBeGreaterThan(0);
    await storage.close();

    const again = await open(dir);
    expect(used(again, 'acc')).toBe(beforeClose);
    await again.delete('acc', 'a', 'one');
    await again.delete('acc', 'b', 'x');
    expect(used(again, 'acc')).toBe(0);
    await again.close();
  });

  it('a failed write rolls the count back with the records', async () => {
    // A snapshot without a journal (as written before journals): the next write creates one.
    let storage = await open(dir);
    await storage.set('app', 'c', 'a', 'v1');
    await storage.compact('app');
    await storage.close();
    await rm(join(dir, 'storage', 'app.2.journal'));
    storage = await open(dir);
    const before = used(storage, 'app');
    // Make that creation fail for real: the journal's path is a non-empty directory.
    await mkdir(join(dir, 'storage', 'app.2.journal', 'x'), { recursive: true });
    const failing = rejection(() => storage.set('app', 'c', 'a', 'v2'.repeat(1000)));
    const added = rejection(() => storage.set('app', 'c', 'new', 'y'.repeat(500)));
    expect(used(storage, 'app')).toBeGreaterThan(before! + 2500); // applied in memory meanwhile
    expect((await failing).code).toBe('OMEGA_ERR_STORAGE_IO');
    expect((await added).code).toBe('OMEGA_ERR_STORAGE_IO');
    expect(used(storage, 'app')).toBe(before);
    rmSync(join(dir, 'storage', 'app.2.journal'), { recursive: true });
    await storage.set('app', 'c', 'b', 'b1');
    expect(used(storage, 'app')).toBe(await bytesOnDisk('app'));
    await storage.close();
  });
});

describe('storage namespace quota', () => {
  it('refuses a set past the quota before applying it; deletes and shrinking writes pass', async () => {
    const storage = await open(dir);
    const view = storage.namespace('plug', { quotaBytes: 4096 });
    await view.set('c', 'a', 'x'.repeat(1500));
    await view.set('c', 'b', 'x'.repeat(1500));
    const full = used(storage, 'plug')!;
    const mutations = storage.stats().plug!.mutations;

    const err = await rejection(() => view.set('c', 'c', 'x'.repeat(1500)));
    expect(err.code).toBe('OMEGA_ERR_PLUGIN_LIMIT');
    expect(err.extras).toMatchObject({ ns: 'plug', used: full, quota: 4096 });
    expect(await view.get('c', 'c')).toBeUndefined();
    // Growing an existing record past the quota is refused too, and leaves it as it was.
    expect((await rejection(() => view.set('c', 'a', 'x'.repeat(3000)))).code).toBe('OMEGA_ERR_PLUGIN_LIMIT');
    expect((await view.get('c', 'a'))?.version).toBe(1);
    await storage.flush();
    expect(storage.stats().plug).toMatchObject({ bytes: full, mutations });
    expect(await bytesOnDisk('plug')).toBe(full);

    // Shrinking and same-size writes pass; so do deletes, which make room again.
    await view.set('c', 'a', 'y'.repeat(1500));
    await view.set('c', 'b', 'short');
    expect(await view.delete('c', 'a')).toBe(true);
    await view.set('c', 'c', 'x'.repeat(1500));
    expect(used(storage, 'plug')).toBe(await bytesOnDisk('plug'));
    expect(used(storage, 'plug')).toBeLessThanOrEqual(4096);

    // The kernel's unlimited view of the same namespace is not held to the quota.
    await storage.set('plug', 'c', 'big', 'z'.repeat(10_000));
    expect(used(storage, 'plug')).toBeGreaterThan(4096);
    // Over quota now: growth is refused, shrinking and deleting still work.
    expect((await rejection(() => view.set('c', 'tiny', 1))).code).toBe('OMEGA_ERR_PLUGIN_LIMIT');
    await view.set('c', 'big', 'smaller');
    expect(await view.delete('c', 'c')).toBe(true);
    await view.set('c', 'tiny', 1);
    await storage.close();
  });

  it('counts writes still in flight, so concurrent sets cannot overshoot together', async () => {
    const storage = await open(dir);
    const view = storage.namespace('burst', { quotaBytes: 10_000 });
    const results = await Promise.allSettled(
      Array.from({ length: 20 }, (_, i) => view.set('c', `k${i}`, 'x'.repeat(1000))),
    );
    const ok = results.filter((r) => r.status === 'fulfilled').length;
    const refused = results.filter(
      (r) => r.status === 'rejected' && (r.reason as { code?: string }).code === 'OMEGA_ERR_PLUGIN_LIMIT',
    ).length;
    expect(ok).toBeGreaterThan(0);
    expect(ok + refused).toBe(20);
    expect(refused).toBeGreaterThan(0);
    expect(used(storage, 'burst')).toBeLessThanOrEqual(10_000);
    expect(used(storage, 'burst')).toBe(await bytesOnDisk('burst'));
    expect(storage.stats().burst?.records).toBe(ok);
    await storage.close();
  });

  it('rejects a quota that is not a non-negative integer', async () => {
    const storage = await open(dir);
    for (const quotaBytes of [-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => storage.namespace('q', { quotaBytes })).toThrow(
        expect.objectContaining({ code: 'OMEGA_ERR_VALIDATION' }),
      );
    }
    await storage.close();
  });
});
