/** A stored record as `ctx.storage` answers it. */
export interface StoredRecord<T = unknown> {
  id: string;
  version: number;
  createdAt: string;
  updatedAt: string;
  value: T;
}

/** The part of `ctx.storage` the plugin uses (the plugin's own namespace). */
export interface PluginStorage {
  get(collection: string, id: string): Promise<StoredRecord | null>;
  set(
    collection: string,
    id: string,
    value: unknown,
    opts?: { expectedVersion?: number },
  ): Promise<StoredRecord>;
  delete(collection: string, id: string, opts?: { expectedVersion?: number }): Promise<boolean>;
  list(
    collection: string,
    opts?: { prefix?: string; limit?: number; cursor?: string },
  ): Promise<{ items: StoredRecord[]; nextCursor?: string }>;
}

/** Every record of a collection (optionally under an id prefix), page by page. */
export async function listAll<T>(
  storage: PluginStorage,
  collection: string,
  prefix?: string,
  pageSize = 200,
): Promise<StoredRecord<T>[]> {
  const out: StoredRecord<T>[] = [];
  let cursor: string | undefined;
  do {
    const page = await storage.list(collection, {
      limit: pageSize,
      ...(prefix === undefined ? {} : { prefix }),
      ...(cursor === undefined ? {} : { cursor }),
    });
    out.push(...(page.items as StoredRecord<T>[]));
    cursor = page.nextCursor;
  } while (cursor !== undefined);
  return out;
}
