import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Storage } from '../../kernel/storage/index.js';
import { open, removeDir, tempDataDir } from './storage-fixture.js';

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

/** Every page of `collection` in the namespace view, as its record ids. */
async function pages(view: ReturnType<Storage['namespace']>, collection: string): Promise<string[][]> {
  const out: string[][] = [];
  let cursor: string | undefined;
  do {
    const page = await view.list(collection, { limit: 1000, ...(cursor ? { cursor } : {}) });
    out.push(page.items.map((r) => r.id));
    cursor = page.nextCursor;
  } while (cursor);
  return out;
}

describe('a list page bounded in bytes (NamespaceOptions.pageBytes)', () => {
  it('ends before the record that would pass the bound, and the cursor goes on from there', async () => {
    for (const id of ['a', 'b', 'c', 'd', 'e']) await storage.set('app', 'blobs', id, 'x'.repeat(1000));
    const view = storage.namespace('app', { pageBytes: 2500 });
    expect(await pages(view, 'blobs')).toEqual([['a', 'b'], ['c', 'd'], ['e']]);
    // Without the bound, `limit` alone decides.
    expect(await pages(storage.namespace('app'), 'blobs')).toEqual([['a', 'b', 'c', 'd', 'e']]);
  });

  it('counts UTF-8 bytes, and holds a record larger than the bound alone rather than none', async () => {
    await storage.set('app', 'wide', 'a', 'é'.repeat(700)); // 700 characters, 1400 bytes
    await storage.set('app', 'wide', 'b', 'é'.repeat(700));
    await storage.set('app', 'wide', 'c', 'x'.repeat(5000));
    const view = storage.namespace('app', { pageBytes: 2500 });
    expect(await pages(view, 'wide')).toEqual([['a'], ['b'], ['c']]);
  });
});
