import { rmSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Storage } from '../../kernel/storage/index.js';
import { journalFiles, parseFrames } from './read-store-files.js';
import { mountSmallDisk, type SmallDisk } from './small-disk.js';
import { open, rejection } from './storage-fixture.js';

let disk: SmallDisk | undefined;
let storage: Storage | undefined;
afterEach(async () => {
  await storage?.close().catch(() => {});
  storage = undefined;
  disk?.unmount();
  disk = undefined;
});

/** Every journal of `ns` holds whole frames, then at most preallocated zeros: nothing half-written. */
async function wholeFramesOnly(dataDir: string, ns: string): Promise<number> {
  let frames = 0;
  for (const file of await journalFiles(join(dataDir, 'storage'), ns)) {
    const bytes = await readFile(file);
    const parsed = parseFrames(bytes);
    expect(
      bytes.subarray(parsed.end).every((b) => b === 0),
      file,
    ).toBe(true);
    frames += parsed.frames.length;
  }
  return frames;
}

describe('storage on a full disk (real 2 MiB tmpfs)', () => {
  it('answers OMEGA_ERR_STORAGE_FULL, writes nothing half, rolls memory back, and recovers when space returns', async (ctx) => {
    const mounted = mountSmallDisk(2048);
    if (typeof mounted === 'string') return ctx.skip(mounted);
    disk = mounted;
    storage = await open(disk.dir);
    const acked = new Map<string, number>();
    for (let i = 0; i < 20; i++) {
      const rec = await storage.set('app', 'c', `k${i}`, { i, pad: 'p'.repeat(2000) });
      acked.set(rec.id, rec.version);
    }
    // Full, but for 64 KiB: the big write below starts, part of it lands, then ENOSPC.
    writeFileSync(join(disk.dir, 'gap'), Buffer.alloc(64 * 1024));
    expect(disk.fill()).toBeGreaterThan(0);
    rmSync(join(disk.dir, 'gap'));
    const framesEnd = async () =>
      parseFrames(await readFile(join(disk!.dir, 'storage', 'app.1.journal'))).end;
    const endBefore = await framesEnd();

    // A big write that cannot fit; while it is in flight, writes queue behind it (one depends on it).
    const big = storage.set('app', 'c', 'k1', { pad: 'b'.repeat(300_000) });
    await new Promise((r) => setImmediate(r));
    const queued = storage.set('app', 'c', 'new', { pad: 'q'.repeat(100_000) });
    const dependent = storage.set('app', 'c', 'k1', 'x', { expectedVersion: 2 });
    const tx = storage.transaction('app', [
      { op: 'delete', collection: 'c', id: 'k2' },
      { op: 'set', collection: 'c', id: 'k3', value: { pad: 't'.repeat(200_000) } },
    ]);
    const errors = await Promise.all([big, queued, dependent, tx].map((p) => rejection(() => p)));
    expect(errors[0]).toMatchObject({ code: 'OMEGA_ERR_STORAGE_FULL', extras: { errno: 'ENOSPC' } });
    expect(errors[0]!.message).toMatch(/full/);
    expect(errors[0]!.message).toMatch(/Free space/);
    expect(errors[0]!.message).not.toContain(disk.dir); // no host path towards callers
    expect(errors[1]!.code).toBe('OMEGA_ERR_STORAGE_FULL');
    expect(errors[2]).toMatchObject({ code: 'OMEGA_ERR_CONFLICT', extras: { expected: 2, actual: 1 } }); // k1 rolled back
    expect(errors[3]!.code).toBe('OMEGA_ERR_STORAGE_FULL');

    // Reads never show a write that was not acknowledged.
    expect(await storage.get('app', 'c', 'k1')).toMatchObject({ version: 1, value: { i: 1 } });
    expect(await storage.get('app', 'c', 'new')).toBeUndefined();
    expect(await storage.get('app', 'c', 'k2')).toMatchObject({ version: 1 });
    expect(storage.stats().app!.failedWrites).toBeGreaterThanOrEqual(1);
    expect(await wholeFramesOnly(disk.dir, 'app')).toBe(20);
    expect(await framesEnd()).toBe(endBefore); // cut back: no frame of the failed writes

    // Space returns: the same storage writes again, no restart.
    disk.free();
    const after = await storage.set('app', 'c', 'k1', { pad: 'b'.repeat(300_000) });
    expect(after.version).toBe(2);
    acked.set('k1', 2);
    expect(await wholeFramesOnly(disk.dir, 'app')).toBe(21);
    await storage.close();
    storage = await open(disk.dir);
    for (const [id, version] of acked) expect((await storage.get('app', 'c', id))?.version, id).toBe(version);
    expect(await storage.get('app', 'c', 'new')).toBeUndefined();
  });

  it('a compaction that finds the disk full gives up cleanly and keeps every change in the journal', async (ctx) => {
    const mounted = mountSmallDisk(2048);
    if (typeof mounted === 'string') return ctx.skip(mounted);
    disk = mounted;
    storage = await open(disk.dir);
    for (let i = 0; i < 30; i++) await storage.set('app', 'c', `k${i}`, { i, pad: 'p'.repeat(1000) });
    disk.fill();
    const err = await rejection(() => storage!.compact('app'));
    expect(err.code).toBe('OMEGA_ERR_STORAGE_FULL');
    expect(storage.stats().app!.failedCompactions).toBe(1);
    const { readdir } = await import('node:fs/promises');
    expect((await readdir(join(disk.dir, 'storage'))).filter((n) => n.endsWith('.tmp'))).toEqual([]);
    disk.free();
    await storage.compact('app');
    await storage.close();
    storage = await open(disk.dir);
    expect((await storage.list('app', 'c', { limit: 100 })).items).toHaveLength(30);
  });
});
