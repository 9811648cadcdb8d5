import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Storage, TransactionOp } from '../../kernel/storage/index.js';
import { parseFrames } from './read-store-files.js';
import { open, rejection, removeDir, tempDataDir } from './storage-fixture.js';

let dir: string;
let storage: Storage;

beforeEach(async () => {
  dir = await tempDataDir();
  storage = await open(dir);
});

afterEach(async () => {
  await storage.close();
  await removeDir(dir);
});

describe('storage transactions', () => {
  it('applies sets and deletes together, in one journal frame, with per-op results', async () => {
    await storage.set('app', 'users', 'u0', { name: 'old' });
    const framesBefore = storage.stats().app!.writes;
    const results = await storage.transaction('app', [
      { op: 'set', collection: 'names', id: 'alice', value: { user: 'u1' }, expectedVersion: 0 },
      { op: 'set', collection: 'users', id: 'u1', value: { name: 'alice' }, expectedVersion: 0 },
      { op: 'delete', collection: 'users', id: 'u0', expectedVersion: 1 },
      { op: 'delete', collection: 'users', id: 'never-was' },
    ]);
    expect(results).toMatchObject([
      { op: 'set', record: { id: 'alice', version: 1, value: { user: 'u1' } } },
      { op: 'set', record: { id: 'u1', version: 1, value: { name: 'alice' } } },
      { op: 'delete', deleted: true },
      { op: 'delete', deleted: false },
    ]);
    expect(storage.stats().app!.writes - framesBefore).toBe(1);
    const { frames } = parseFrames(await readFile(join(dir, 'storage', 'app.1.journal')));
    expect(frames.at(-1)!.lines.map((l) => Object.keys(JSON.parse(l))[0])).toEqual(['set', 'set', 'delete']);
    await storage.close();
    storage = await open(dir);
    expect((await storage.get('app', 'names', 'alice'))?.value).toEqual({ user: 'u1' });
    expect((await storage.get('app', 'users', 'u1'))?.value).toEqual({ name: 'alice' });
    expect(await storage.get('app', 'users', 'u0')).toBeUndefined();
  });

  it('a version mismatch anywhere applies nothing and names the op', async () => {
    await storage.set('app', 'names', 'alice', { user: 'someone' });
    const writes = storage.stats().app!.writes;
    const err = await rejection(() =>
      storage.transaction('app', [
        { op: 'set', collection: 'users', id: 'u1', value: { name: 'alice' }, expectedVersion: 0 },
        { op: 'set', collection: 'names', id: 'alice', value: { user: 'u1' }, expectedVersion: 0 },
      ]),
    );
    expect(err.code).toBe('OMEGA_ERR_CONFLICT');
    expect(err.extras).toMatchObject({ op: 1, collection: 'names', id: 'alice', expected: 0, actual: 1 });
    expect(err.message).toMatch(/op 1/);
    expect(await storage.get('app', 'users', 'u1')).toBeUndefined();
    expect((await storage.get('app', 'names', 'alice'))?.value).toEqual({ user: 'someone' });
    expect(storage.stats().app!.writes).toBe(writes);
  });

  it('later ops see earlier ones: versions count up within the transaction', async () => {
    const results = await storage.transaction('app', [
      { op: 'set', collection: 'c', id: 'k', value: 1, expectedVersion: 0 },
      { op: 'set', collection: 'c', id: 'k', value: 2, expectedVersion: 1 },
      { op: 'delete', collection: 'c', id: 'k', expectedVersion: 2 },
      { op: 'set', collection: 'c', id: 'k', value: 3, expectedVersion: 0 },
    ]);
    expect(results.map((r) => (r.op === 'set' ? r.record.version : r.deleted))).toEqual([1, 2, true, 1]);
    expect(await storage.get('app', 'c', 'k')).toMatchObject({ version: 1, value: 3 });
    const stale = await rejection(() =>
      storage.transaction('app', [
        { op: 'set', collection: 'c', id: 'k', value: 4 },
        { op: 'set', collection: 'c', id: 'k', value: 5, expectedVersion: 1 },
      ]),
    );
    expect(stale.extras).toMatchObject({ op: 1, expected: 1, actual: 2 });
    expect(await storage.get('app', 'c', 'k')).toMatchObject({ version: 1, value: 3 });
  });

  it('of concurrent transactions on the same record, exactly one wins', async () => {
    await storage.set('app', 'c', 'k', 0);
    const results = await Promise.allSettled(
      Array.from({ length: 10 }, (_, i) =>
        storage.transaction('app', [
          { op: 'set', collection: 'c', id: 'k', value: i, expectedVersion: 1 },
          { op: 'set', collection: 'log', id: `by-${i}`, value: i, expectedVersion: 0 },
        ]),
      ),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect((await storage.list('app', 'log')).items).toHaveLength(1);
  });

  it('quota: net growth counts, so a transaction that frees as much as it adds passes', async () => {
    const view = storage.namespace('plug', { quotaBytes: 4000 });
    await view.set('c', 'a', 'x'.repeat(1800));
    await view.set('c', 'b', 'x'.repeat(1800));
    const swap: TransactionOp[] = [
      { op: 'delete', collection: 'c', id: 'a' },
      { op: 'set', collection: 'c', id: 'c', value: 'y'.repeat(1800) },
    ];
    expect(await view.transaction(swap)).toHaveLength(2);
    const err = await rejection(() =>
      view.transaction([
        { op: 'set', collection: 'c', id: 'd', value: 'z'.repeat(1800) },
        { op: 'set', collection: 'c', id: 'e', value: 'z'.repeat(10) },
      ]),
    );
    expect(err.code).toBe('OMEGA_ERR_PLUGIN_LIMIT');
    expect(await view.get('c', 'd')).toBeUndefined();
    expect(await view.get('c', 'e')).toBeUndefined();
  });

  const bad: [string, unknown, string][] = [
    ['not an array', { op: 'set' }, 'ops'],
    ['an unknown op', [{ op: 'put', collection: 'c', id: 'k', value: 1 }], 'ops[0].op'],
    ['a bad collection', [{ op: 'delete', collection: 'C!', id: 'k' }], 'ops[0].collection'],
    ['a bad id', [{ op: 'delete', collection: 'c', id: '' }], 'ops[0].id'],
    ['a set without value', [{ op: 'set', collection: 'c', id: 'k' }], 'ops[0].value'],
    [
      'a value that is not JSON',
      [{ op: 'set', collection: 'c', id: 'k', value: { f: () => 1 } }],
      'ops[0].value.f',
    ],
    [
      'a bad expectedVersion',
      [
        { op: 'delete', collection: 'c', id: 'k' },
        { op: 'delete', collection: 'c', id: 'k', expectedVersion: -1 },
      ],
      'ops[1].expectedVersion',
    ],
    ['too many ops', Array.from({ length: 1001 }, () => ({ op: 'delete', collection: 'c', id: 'k' })), 'ops'],
  ];
  for (const [name, ops, field] of bad) {
    it(`rejects ${name} naming ${field}, applying nothing`, async () => {
      await storage.set('app', 'c', 'k', 'kept');
      const err = await rejection(() => storage.transaction('app', ops as TransactionOp[]));
      expect(err.code).toBe('OMEGA_ERR_VALIDATION');
      expect(err.extras?.field).toBe(field);
      expect((await storage.get('app', 'c', 'k'))?.value).toBe('kept');
    });
  }

  it('an empty transaction is a no-op', async () => {
    expect(await storage.transaction('app', [])).toEqual([]);
    expect(storage.namespaces()).toEqual([]);
  });
});
