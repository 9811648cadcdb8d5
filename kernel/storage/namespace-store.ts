import { Low } from 'lowdb';
import { omegaError } from '../errors/index.js';
import type { Logger } from '../log/index.js';
import { Collection, entryJson, makeEntry, type RecordEntry } from './collection.js';
import type { ListOptions, ListPage, StoredRecord, WriteOptions } from './driver.js';
import { DurableFileAdapter } from './durable-file.js';
import { GroupCommit, type GroupCommitStats } from './group-commit.js';
import { decodeCursor, encodeCursor } from './list-cursor.js';
import { decodeNamespace, encodeNamespace, type NamespaceData } from './namespace-file.js';
import { toJson, validateExpectedVersion, validateId, validateName } from './validate.js';

const DEFAULT_LIMIT = 100;
const MAX_LIMIT = 1000;

function conflict(collection: string, id: string, expected: number, actual: number): Error {
  return omegaError(
    'OMEGA_ERR_CONFLICT',
    `${collection}/${id} is at version ${actual}, not the expected ${expected}.`,
    { collection, id, expected, actual },
  );
}

function overQuota(ns: string, used: number, quota: number, bytes: number): Error {
  return omegaError(
    'OMEGA_ERR_PLUGIN_LIMIT',
    `Storage namespace "${ns}" holds ${used} bytes; this write would add ${bytes} more, past its ` +
      `quota of ${quota} bytes. Delete records, or store less.`,
    { ns, used, quota },
  );
}

function parseRecord<T>(entry: RecordEntry): StoredRecord<T> {
  return JSON.parse(entryJson(entry)) as StoredRecord<T>;
}

function listLimit(limit: unknown): number {
  if (limit === undefined) return DEFAULT_LIMIT;
  if (typeof limit !== 'number' || !Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) {
    throw omegaError('OMEGA_ERR_VALIDATION', `limit must be an integer from 1 to ${MAX_LIMIT}`, {
      field: 'limit',
      errors: [{ field: 'limit', message: `1–${MAX_LIMIT}` }],
    });
  }
  return limit;
}

/**
 * One namespace: its collections in memory (lowdb `Low` over a durable adapter) and one
 * JSON file, written by group commit. Validates everything but the namespace name.
 */
export class NamespaceStore {
  private readonly commit: GroupCommit;
  private loaded = false;

  private constructor(
    readonly ns: string,
    private readonly low: Low<NamespaceData>,
    logger: Logger,
  ) {
    this.commit = new GroupCommit(async () => {
      try {
        await this.low.write();
      } catch (err) {
        logger.error({ err, namespace: ns }, 'storage write failed');
        const replaced = (err as { extras?: { replaced?: unknown } }).extras?.replaced === true;
        throw omegaError(
          'OMEGA_ERR_STORAGE_IO',
          `Writing storage namespace "${ns}" failed; the change was not saved.`,
          { namespace: ns, replaced },
        );
      }
    });
  }

  /** Loads `file` (absent = empty); a corrupt file throws OMEGA_ERR_STORAGE_CORRUPT and stays untouched. */
  static async open(ns: string, file: string, logger: Logger): Promise<NamespaceStore> {
    const store = NamespaceStore.empty(ns, file, logger);
    await store.low.read();
    store.loaded = true;
    return store;
  }

  /** A namespace with no file yet; the file appears with the first write. */
  static empty(ns: string, file: string, logger: Logger): NamespaceStore {
    const adapter = new DurableFileAdapter(file, encodeNamespace, decodeNamespace);
    return new NamespaceStore(ns, new Low<NamespaceData>(adapter, new Map()), logger);
  }

  async get<T>(collection: string, id: string): Promise<StoredRecord<T> | undefined> {
    validateName('collection', collection);
    validateId(id);
    const entry = this.low.data.get(collection)?.get(id);
    return entry && parseRecord<T>(entry);
  }

  /**
   * Writes a record. With `quotaBytes`, a write that would grow the namespace's stored size
   * ({@link usedBytes}) past it is refused with OMEGA_ERR_PLUGIN_LIMIT before it applies;
   * a write that does not grow it is always let through.
   */
  async set<T>(
    collection: string,
    id: string,
    value: T,
    opts?: WriteOptions,
    quotaBytes?: number,
  ): Promise<StoredRecord<T>> {
    validateName('collection', collection);
    validateId(id);
    const expected = validateExpectedVersion(opts?.expectedVersion);
    const valueJson = toJson(value);
    const coll = this.collection(collection);
    let prev: RecordEntry | undefined;
    const entry = await this.commit.submit({
      apply: () => {
        prev = coll.get(id);
        const actual = prev?.version ?? 0;
        if (expected !== undefined && expected !== actual) throw conflict(collection, id, expected, actual);
        const now = new Date().toISOString();
        const next = makeEntry(id, actual + 1, prev?.createdAt ?? now, now, valueJson);
        if (quotaBytes !== undefined) {
          const grows = next.bytes - (prev?.bytes ?? 0);
          const used = this.usedBytes;
          if (grows > 0 && used + grows > quotaBytes) throw overQuota(this.ns, used, quotaBytes, grows);
        }
        coll.put(id, next);
        return next;
      },
      undo: () => {
        if (prev) coll.put(id, prev);
        else coll.remove(id);
      },
    });
    return parseRecord<T>(entry);
  }

  async delete(collection: string, id: string, opts?: WriteOptions): Promise<boolean> {
    validateName('collection', collection);
    validateId(id);
    const expected = validateExpectedVersion(opts?.expectedVersion);
    const coll = this.low.data.get(collection);
    // Nothing to remove: answer now, like a read (no write needed).
    if (!coll?.get(id)) {
      if (expected !== undefined && expected !== 0) throw conflict(collection, id, expected, 0);
      return false;
    }
    let prev: RecordEntry | undefined;
    return this.commit.submit({
      apply: () => {
        prev = coll.get(id);
        const actual = prev?.version ?? 0;
        if (expected !== undefined && expected !== actual) throw conflict(collection, id, expected, actual);
        coll.remove(id);
        return prev !== undefined;
      },
      undo: () => {
        if (prev) coll.put(id, prev);
      },
    });
  }

  async list<T>(collection: string, opts: ListOptions = {}): Promise<ListPage<T>> {
    validateName('collection', collection);
    const prefix = opts.prefix === undefined || opts.prefix === '' ? '' : validateId(opts.prefix, 'prefix');
    const limit = listLimit(opts.limit);
    const after = decodeCursor(opts.cursor);
    const coll = this.low.data.get(collection);
    if (!coll) return { items: [] };
    const { ids, more } = coll.page(prefix, after, limit);
    const items = ids.map((id) => parseRecord<T>(coll.get(id)!));
    const last = ids[ids.length - 1];
    return more && last !== undefined ? { items, nextCursor: encodeCursor(last) } : { items };
  }

  /** True when the namespace has a file, or a write to make one is under way. */
  get exists(): boolean {
    return this.loaded || this.commit.busy || this.commit.stats().writes > 0;
  }

  /** Resolves when every mutation so far is on disk. */
  flush(): Promise<void> {
    return this.commit.flush();
  }

  /** Bytes the namespace's records take (sum of their serialised UTF-8 sizes), applied writes included. */
  get usedBytes(): number {
    let bytes = 0;
    for (const c of this.low.data.values()) bytes += c.bytes;
    return bytes;
  }

  /** Record count, stored bytes and write counters. */
  stats(): GroupCommitStats & { records: number; bytes: number } {
    let records = 0;
    for (const c of this.low.data.values()) records += c.size;
    return { ...this.commit.stats(), records, bytes: this.usedBytes };
  }

  private collection(name: string): Collection {
    let coll = this.low.data.get(name);
    if (!coll) {
      coll = new Collection();
      this.low.data.set(name, coll);
    }
    return coll;
  }
}
