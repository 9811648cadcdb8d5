import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Storage } from '../../kernel/storage/index.js';
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

describe('storage driver: CRUD', () => {
  it('creates, reads, updates and deletes a record', async () => {
    const created = await storage.set('app', 'nodes', 'n1', { cpu: 4 });
    expect(created).toMatchObject({ id: 'n1', version: 1, value: { cpu: 4 } });
    expect(created.createdAt).toBe(created.updatedAt);
    expect(await storage.get('app', 'nodes', 'n1')).toEqual(created);

    const updated = await storage.set('app', 'nodes', 'n1', { cpu: 8 });
    expect(updated).toMatchObject({ id: 'n1', version: 2, value: { cpu: 8 }, createdAt: created.createdAt });
    expect(await storage.get('app', 'nodes', 'n1')).toEqual(updated);

    expect(await storage.delete('app', 'nodes', 'n1')).toBe(true);
    expect(await storage.get('app', 'nodes', 'n1')).toBeUndefined();
    expect(await storage.delete('app', 'nodes', 'n1')).toBe(false);
  });

  it('keeps collections apart and reads back after reopening', async () => {
    await storage.set('app', 'a', 'x', 1);
    await storage.set('app', 'b', 'x', 2);
    await storage.close();
    storage = await open(dir);
    expect((await storage.get('app', 'a', 'x'))?.value).toBe(1);
    expect((await storage.get('app', 'b', 'x'))?.value).toBe(2);
    expect(storage.namespaces()).toEqual(['app']);
  });

  it('stores every kind of JSON value and odd but valid ids', async () => {
    const value = { s: 'é\u2028"', n: -1.5e-7, b: false, z: null, a: [1, [2, { c: 3 }]], e: {} };
    for (const id of ['__proto__', 'constructor', 'a/../../b', '"quoted"', 'x'.repeat(256), '😀']) {
      await storage.set('app', 'odd', id, value);
    }
    await storage.close();
    storage = await open(dir);
    for (const id of ['__proto__', 'constructor', 'a/../../b', '"quoted"', 'x'.repeat(256), '😀']) {
      expect((await storage.get('app', 'odd', id))?.value).toEqual(value);
    }
  });
});

describe('storage driver: versions and conflicts', () => {
  it('expectedVersion 0 creates only when absent', async () => {
    expect((await storage.set('app', 'c', 'k', 'a', { expectedVersion: 0 })).version).toBe(1);
    const err = await rejection(() => storage.set('app', 'c', 'k', 'b', { expectedVersion: 0 }));
    expect(err.code).toBe('OMEGA_ERR_CONFLICT');
    expect(err.extras).toMatchObject({ expected: 0, actual: 1 });
    expect((await storage.get('app', 'c', 'k'))?.value).toBe('a');
  });

  it('a matching expectedVersion writes, a stale one conflicts', async () => {
    await storage.set('app', 'c', 'k', 'a');
    await storage.set('app', 'c', 'k', 'b', { expectedVersion: 1 });
    const err = await rejection(() => storage.set('app', 'c', 'k', 'c', { expectedVersion: 1 }));
    expect(err.code).toBe('OMEGA_ERR_CONFLICT');
    expect(err.extras).toMatchObject({ expected: 1, actual: 2 });
    const missing = await rejection(() => storage.set('app', 'c', 'nope', 'x', { expectedVersion: 3 }));
    expect(missing.extras).toMatchObject({ expected: 3, actual: 0 });
  });

  it('delete honours expectedVersion', async () => {
    await storage.set('app', 'c', 'k', 'a');
    const err = await rejection(() => storage.delete('app', 'c', 'k', { expectedVersion: 2 }));
    expect(err.code).toBe('OMEGA_ERR_CONFLICT');
    expect(await storage.delete('app', 'c', 'k', { expectedVersion: 1 })).toBe(true);
    expect(
      (await rejection(() => storage.delete('app', 'c', 'k', { expectedVersion: 1 }))).extras,
    ).toMatchObject({
      expected: 1,
      actual: 0,
    });
    expect(await storage.delete('app', 'c', 'k', { expectedVersion: 0 })).toBe(false);
  });

  it('of concurrent writers that read the same version, exactly one wins', async () => {
    await storage.set('app', 'c', 'k', 0);
    const results = await Promise.allSettled(
      Array.from({ length: 10 }, (_, i) => storage.set('app', 'c', 'k', i, { expectedVersion: 1 })),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect((await storage.get('app', 'c', 'k'))?.version).toBe(2);
  });
});

describe('storage driver: list', () => {
  beforeEach(async () => {
    const ids = ['b-2', 'a-1', 'b-10', 'c', 'b-1', 'a-2', 'b-3'];
    await Promise.all(ids.map((id) => storage.set('app', 'l', id, { id })));
  });

  it('lists in id order and pages with limit and cursor', async () => {
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await storage.list<{ id: string }>('app', 'l', { limit: 3, cursor });
      seen.push(...page.items.map((r) => r.id));
      expect(page.items.every((r) => r.value.id === r.id)).toBe(true);
      cursor = page.nextCursor;
      pages++;
    } while (cursor);
    expect(seen).toEqual(['a-1', 'a-2', 'b-1', 'b-10', 'b-2', 'b-3', 'c']);
    expect(pages).toBe(3);
  });

  it('filters by prefix and ends without a cursor', async () => {
    const first = await storage.list('app', 'l', { prefix: 'b-', limit: 2 });
    expect(first.items.map((r) => r.id)).toEqual(['b-1', 'b-10']);
    const second = await storage.list('app', 'l', { prefix: 'b-', limit: 2, cursor: first.nextCursor });
    expect(second.items.map((r) => r.id)).toEqual(['b-2', 'b-3']);
    expect(second.nextCursor).toBeUndefined();
    expect((await storage.list('app', 'l', { prefix: 'zz' })).items).toEqual([]);
    expect((await storage.list('app', 'empty')).items).toEqual([]);
  });

  it('stays stable when records are added and removed between pages', async () => {
    const first = await storage.list('app', 'l', { limit: 2 });
    await storage.set('app', 'l', 'a-0', {});
    await storage.delete('app', 'l', 'b-1');
    await storage.set('app', 'l', 'b-0', {});
    const rest = await storage.list('app', 'l', { cursor: first.nextCursor });
    expect(rest.items.map((r) => r.id)).toEqual(['b-0', 'b-10', 'b-2', 'b-3', 'c']);
  });

  it('rejects a bad limit or cursor', async () => {
    for (const limit of [0, 1001, 1.5]) {
      expect((await rejection(() => storage.list('app', 'l', { limit }))).extras?.field).toBe('limit');
    }
    expect((await rejection(() => storage.list('app', 'l', { cursor: 'garbage' }))).extras?.field).toBe(
      'cursor',
    );
  });
});

describe('storage driver: validation', () => {
  const cases: [string, () => Promise<unknown>, string][] = [
    ['ns with a slash', () => storage.set('../etc', 'c', 'i', 1), 'ns'],
    ['ns upper case', () => storage.get('App', 'c', 'i'), 'ns'],
    ['empty ns', () => storage.list('', 'c'), 'ns'],
    ['long ns', () => storage.set('a'.repeat(65), 'c', 'i', 1), 'ns'],
    ['collection with a dot', () => storage.set('app', 'c.d', 'i', 1), 'collection'],
    ['empty id', () => storage.set('app', 'c', '', 1), 'id'],
    ['long id', () => storage.set('app', 'c', 'x'.repeat(257), 1), 'id'],
    ['id with a newline', () => storage.get('app', 'c', 'a\nb'), 'id'],
    ['id with NUL', () => storage.delete('app', 'c', 'a\u0000'), 'id'],
    ['undefined value', () => storage.set('app', 'c', 'i', undefined), 'value'],
    ['function', () => storage.set('app', 'c', 'i', { f: () => 1 }), 'value.f'],
    ['nested undefined', () => storage.set('app', 'c', 'i', { a: [1, undefined] }), 'value.a[1]'],
    ['NaN', () => storage.set('app', 'c', 'i', { n: Number.NaN }), 'value.n'],
    ['Infinity', () => storage.set('app', 'c', 'i', [Number.POSITIVE_INFINITY]), 'value[0]'],
    ['bigint', () => storage.set('app', 'c', 'i', 1n), 'value'],
    ['Date', () => storage.set('app', 'c', 'i', { d: new Date() }), 'value.d'],
    ['Map', () => storage.set('app', 'c', 'i', new Map()), 'value'],
    [
      'negative expectedVersion',
      () => storage.set('app', 'c', 'i', 1, { expectedVersion: -1 }),
      'expectedVersion',
    ],
  ];
  for (const [name, call, field] of cases) {
    it(`rejects ${name} naming ${field}`, async () => {
      const err = await rejection(call);
      expect(err.code).toBe('OMEGA_ERR_VALIDATION');
      expect(err.extras?.field).toBe(field);
    });
  }

  it('rejects a cycle and writes nothing', async () => {
    const a: Record<string, unknown> = { x: 1 };
    a.self = { back: a };
    const err = await rejection(() => storage.set('app', 'c', 'i', a));
    expect(err.code).toBe('OMEGA_ERR_VALIDATION');
    expect(err.extras?.field).toBe('value.self.back');
    expect(await storage.get('app', 'c', 'i')).toBeUndefined();
    expect(storage.namespaces()).toEqual([]);
  });

  it('accepts the same object twice when it is not a cycle', async () => {
    const shared = { k: 1 };
    expect((await storage.set('app', 'c', 'i', { a: shared, b: shared })).value).toEqual({
      a: { k: 1 },
      b: { k: 1 },
    });
  });
});

describe('storage driver: copies and views', () => {
  it('copies values on write and on read', async () => {
    const value = { list: [1, 2], inner: { n: 1 } };
    const written = await storage.set('app', 'c', 'i', value);
    value.list.push(3);
    value.inner.n = 99;
    written.value.inner.n = 42;
    const read = await storage.get<typeof value>('app', 'c', 'i');
    expect(read?.value).toEqual({ list: [1, 2], inner: { n: 1 } });
    read!.value.list.push(7);
    const listed = await storage.list<typeof value>('app', 'c');
    expect(listed.items[0]?.value.list).toEqual([1, 2]);
  });

  it('a namespace view sees only its namespace', async () => {
    const a = storage.namespace('plugin-a');
    const b = storage.namespace('plugin-b');
    await a.set('c', 'same', 'from a');
    await b.set('c', 'same', 'from b');
    expect((await a.get('c', 'same'))?.value).toBe('from a');
    expect((await b.list('c')).items.map((r) => r.value)).toEqual(['from b']);
    expect(await a.delete('c', 'same')).toBe(true);
    expect((await b.get('c', 'same'))?.value).toBe('from b');
    expect((await storage.get('plugin-b', 'c', 'same'))?.value).toBe('from b');
    expect(() => storage.namespace('Bad NS')).toThrow(
      expect.objectContaining({ code: 'OMEGA_ERR_VALIDATION' }),
    );
  });

  it('rejects every call after close with OMEGA_ERR_STORAGE_CLOSED, after flushing', async () => {
    const pending = storage.set('app', 'c', 'late', 1);
    await storage.close();
    await expect(pending).resolves.toMatchObject({ version: 1 });
    for (const call of [
      () => storage.get('app', 'c', 'late'),
      () => storage.set('app', 'c', 'x', 1),
      () => storage.delete('app', 'c', 'late'),
      () => storage.list('app', 'c'),
      () => storage.namespace('app').get('c', 'late'),
    ]) {
      expect((await rejection(call)).code).toBe('OMEGA_ERR_STORAGE_CLOSED');
    }
    expect(() => storage.ephemeral('app', 'x')).toThrow(
      expect.objectContaining({ code: 'OMEGA_ERR_STORAGE_CLOSED' }),
    );
    const again = await open(dir);
    expect((await again.get('app', 'c', 'late'))?.value).toBe(1);
    await again.close();
  });
});
