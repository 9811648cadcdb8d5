import { join } from 'node:path';
import { Low } from 'lowdb';
import { omegaError } from '../errors/index.js';
import type { Logger } from '../log/index.js';
import { Collection, entryJson, makeEntry, type RecordEntry } from './collection.js';
import { type CompactionPolicy, type CompactionStep, Compactor } from './compactor.js';
import type { ListOptions, ListPage, StoredRecord, TransactionResult, WriteOptions } from './driver.js';
import { fitCount } from './fit-count.js';
import { GroupCommit, type GroupCommitStats, type Mutation } from './group-commit.js';
import { forEachLine, SegmentedJournal } from './journal/index.js';
import { applyLine, deleteLine, setLine } from './journal-ops.js';
import { decodeCursor, encodeCursor } from './list-cursor.js';
import type { NamespaceSnapshot } from './namespace-file.js';
import { checkTransaction, planTransaction } from './plan-transaction.js';
import { SnapshotAdapter } from './snapshot-adapter.js';
import { writeFailed } from './storage-errors.js';
import { toJson, validateExpectedVersion, validateId, validateName } from './validate.js';

const DEFAULT_LIMIT = 100;
const MAX_LIMIT = 1000;

export { type CompactionPolicy, type CompactionStep, DEFAULT_COMPACTION } from './compactor.js';

/** What a {@link NamespaceStore} needs besides its files. */
export interface NamespaceStoreOptions {
  logger: Logger;
  compaction: CompactionPolicy;
  /** Called as each compaction step completes (logs, crash tests). */
  onCompactionStep?: (ns: string, step: CompactionStep) => void;
}

/** Record count, bytes and write counters of one namespace. */
export interface NamespaceStats extends GroupCommitStats {
  records: number;
  /** What the quota counts: the serialised records' UTF-8 sizes. */
  bytes: number;
  /** Bytes of whole frames in the journal files now. */
  journalBytes: number;
  /** Size of the snapshot file now. */
  snapshotBytes: number;
  compactions: number;
  failedCompactions: number;
  /** Bytes written since open: journal frames, snapshots, and zeros preallocated ahead of the journal's frames. */
  written: { journal: number; snapshot: number; zeroFill: number };
}

/** A mutation of a namespace: applied to memory, then journalled as `lines`. */
interface StoreMutation<R = unknown> extends Mutation<R> {
  lines: string[];
}

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

/** Snapshot file of a namespace, inside the storage directory. */
export const snapshotFile = (dir: string, ns: string): string => join(dir, `${ns}.json`);
/** Journal segment `gen` of a namespace, inside the storage directory. */
export const journalFile = (dir: string, ns: string, gen: number): string =>
  join(dir, `${ns}.${gen}.journal`);

/**
 * One namespace: its collections in memory (a lowdb document), a snapshot file (`<ns>.json`)
 * and an append-only journal (`<ns>.<gen>.journal`). A mutation applies to memory at once
 * and is acknowledged when its journal frame is on disk (group commit: all mutations made
 * while a write is in flight share the next frame and fdatasync). Once the journal outgrows
 * the snapshot, the next commit captures the document (copy-on-write, no records copied),
 * starts a new journal segment, and a background compaction writes the snapshot and then
 * deletes the segments it covers. Validates everything but the namespace name.
 */
export class NamespaceStore {
  private readonly commit: GroupCommit<StoreMutation>;
  private readonly compactor: Compactor;

  private constructor(
    readonly ns: string,
    private readonly low: Low<NamespaceSnapshot>,
    private readonly adapter: SnapshotAdapter,
    private readonly journal: SegmentedJournal,
    private readonly loaded: boolean,
    opts: NamespaceStoreOptions,
  ) {
    this.commit = new GroupCommit((batch) => this.writeBatch(batch));
    this.compactor = new Compactor({
      ns,
      low,
      adapter,
      journal,
      kick: () => this.commit.kick(),
      policy: opts.compaction,
      logger: opts.logger,
      ...(opts.onCompactionStep ? { onStep: opts.onCompactionStep } : {}),
    });
    this.logger = opts.logger;
  }

  private readonly logger: Logger;

  /**
   * Loads the namespace from `dir`: its snapshot (absent = empty), then the journal frames
   * after it. A corrupt snapshot or journal throws OMEGA_ERR_STORAGE_CORRUPT and is left as
   * it is; a torn journal tail (a crash's unacknowledged append) is dropped and logged.
   */
  static async open(
    ns: string,
    dir: string,
    journalGens: readonly number[],
    opts: NamespaceStoreOptions,
  ): Promise<NamespaceStore> {
    const { adapter, low, attach } = NamespaceStore.document(ns, dir, opts);
    await low.read();
    const hadSnapshot = adapter.bytes > 0;
    const journal = await SegmentedJournal.recover({
      files: journalGens.map((gen) => ({ gen, file: journalFile(dir, ns, gen) })),
      fileOf: (gen) => journalFile(dir, ns, gen),
      after: low.data.through,
      apply: (payload) => forEachLine(payload, (line) => applyLine(low.data.data, line)),
      snapshotName: hadSnapshot ? snapshotFile(dir, ns) : `the absent snapshot ${snapshotFile(dir, ns)}`,
      logger: opts.logger,
    });
    // Segments a finished compaction did not get to delete (it crashed first) are covered.
    const through = low.data.through;
    await journal
      .dropWhere((seg) => seg.lastFrame <= through)
      .catch((err) =>
        opts.logger.warn({ err, namespace: ns }, 'could not delete journal files a snapshot covers'),
      );
    return attach(new NamespaceStore(ns, low, adapter, journal, hadSnapshot || journalGens.length > 0, opts));
  }

  /** A namespace with no files yet; they appear with the first write. */
  static empty(ns: string, dir: string, opts: NamespaceStoreOptions): NamespaceStore {
    const { adapter, low, attach } = NamespaceStore.document(ns, dir, opts);
    const journal = SegmentedJournal.empty((gen) => journalFile(dir, ns, gen));
    return attach(new NamespaceStore(ns, low, adapter, journal, false, opts));
  }

  /** The lowdb document over the snapshot adapter; `attach` tells the adapter which store it serves. */
  private static document(ns: string, dir: string, opts: NamespaceStoreOptions) {
    let store: NamespaceStore | undefined;
    const adapter = new SnapshotAdapter(snapshotFile(dir, ns), {
      abandoned: () => store?.compactor.closing ?? false,
      step: (s) => opts.onCompactionStep?.(ns, s),
    });
    const low = new Low<NamespaceSnapshot>(adapter, { data: new Map(), through: 0 });
    const attach = (s: NamespaceStore): NamespaceStore => {
      store = s;
      return s;
    };
    return { adapter, low, attach };
  }

  private get data(): Map<string, Collection> {
    return this.low.data.data;
  }

  async get<T>(collection: string, id: string): Promise<StoredRecord<T> | undefined> {
    validateName('collection', collection);
    validateId(id);
    const entry = this.data.get(collection)?.get(id);
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
    const mutation: StoreMutation<RecordEntry> = {
      lines: [],
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
        mutation.lines = [setLine(collection, next)];
        return next;
      },
      undo: () => {
        if (prev) coll.put(id, prev);
        else coll.remove(id);
      },
    };
    return parseRecord<T>(await this.commit.submit(mutation));
  }

  async delete(collection: string, id: string, opts?: WriteOptions): Promise<boolean> {
    validateName('collection', collection);
    validateId(id);
    const expected = validateExpectedVersion(opts?.expectedVersion);
    const coll = this.data.get(collection);
    // Nothing to remove: answer now, like a read (no write needed).
    if (!coll?.get(id)) {
      if (expected !== undefined && expected !== 0) throw conflict(collection, id, expected, 0);
      return false;
    }
    let prev: RecordEntry | undefined;
    const mutation: StoreMutation<boolean> = {
      lines: [],
      apply: () => {
        prev = coll.get(id);
        const actual = prev?.version ?? 0;
        if (expected !== undefined && expected !== actual) throw conflict(collection, id, expected, actual);
        coll.remove(id);
        mutation.lines = prev ? [deleteLine(collection, id)] : [];
        return prev !== undefined;
      },
      undo: () => {
        if (prev) coll.put(id, prev);
      },
    };
    return this.commit.submit(mutation);
  }

  /**
   * Applies `ops` all or nothing (see StorageDriver.transaction). With `quotaBytes`, a
   * transaction whose net growth would pass the quota is refused before it applies.
   */
  async transaction(ops: unknown, quotaBytes?: number): Promise<TransactionResult[]> {
    const checked = checkTransaction(ops);
    if (checked.length === 0) return [];
    let undo: (() => void)[] = [];
    const mutation: StoreMutation<(RecordEntry | boolean)[]> = {
      lines: [],
      apply: () => {
        const plan = planTransaction(this.data, checked, new Date().toISOString());
        if (quotaBytes !== undefined && plan.growth > 0) {
          const used = this.usedBytes;
          if (used + plan.growth > quotaBytes) throw overQuota(this.ns, used, quotaBytes, plan.growth);
        }
        undo = [];
        const lines: string[] = [];
        for (const w of plan.writes) {
          const coll = this.collection(w.collection);
          if (w.next) {
            coll.put(w.id, w.next);
            lines.push(setLine(w.collection, w.next));
          } else {
            coll.remove(w.id);
            lines.push(deleteLine(w.collection, w.id));
          }
          undo.push(() => (w.prev ? coll.put(w.id, w.prev) : coll.remove(w.id)));
        }
        mutation.lines = lines;
        return plan.results;
      },
      undo: () => {
        for (let i = undo.length - 1; i >= 0; i--) undo[i]!();
      },
    };
    const results = await this.commit.submit(mutation);
    return results.map(
      (r): TransactionResult =>
        typeof r === 'boolean' ? { op: 'delete', deleted: r } : { op: 'set', record: parseRecord(r) },
    );
  }

  async list<T>(collection: string, opts: ListOptions = {}): Promise<ListPage<T>> {
    validateName('collection', collection);
    const prefix = opts.prefix === undefined || opts.prefix === '' ? '' : validateId(opts.prefix, 'prefix');
    const limit = listLimit(opts.limit);
    const after = decodeCursor(opts.cursor);
    const coll = this.data.get(collection);
    if (!coll) return { items: [] };
    const page = coll.page(prefix, after, limit);
    let { ids, more } = page;
    if (opts.maxBytes !== undefined) {
      const fit = fitCount(ids.length, (i) => coll.get(ids[i]!)!.bytes, opts.maxBytes);
      if (fit < ids.length) {
        ids = ids.slice(0, fit);
        more = true;
      }
    }
    const items = ids.map((id) => parseRecord<T>(coll.get(id)!));
    const last = ids[ids.length - 1];
    return more && last !== undefined ? { items, nextCursor: encodeCursor(last) } : { items };
  }

  /** True when the namespace has files, or a write to make them is under way. */
  get exists(): boolean {
    return this.loaded || this.commit.busy || this.commit.stats().writes > 0;
  }

  /** Resolves when every mutation so far is on disk. */
  flush(): Promise<void> {
    return this.commit.flush();
  }

  /**
   * Compacts now: the next commit captures the state, and this resolves once the new
   * snapshot is durable and the journal segments it covers are deleted.
   */
  async compact(): Promise<void> {
    if (!this.exists) return;
    return this.compactor.request();
  }

  /** Flushes, abandons a compaction in progress, and closes the journal. */
  async close(): Promise<void> {
    const stopping = this.compactor.close();
    try {
      await this.commit.flush();
    } finally {
      await stopping;
      await this.journal.close();
    }
  }

  /** Bytes the namespace's records take (sum of their serialised UTF-8 sizes), applied writes included. */
  get usedBytes(): number {
    let bytes = 0;
    for (const c of this.data.values()) bytes += c.bytes;
    return bytes;
  }

  /** Record count, stored bytes, journal and snapshot sizes, and write counters. */
  stats(): NamespaceStats {
    let records = 0;
    for (const c of this.data.values()) records += c.size;
    return {
      ...this.commit.stats(),
      records,
      bytes: this.usedBytes,
      journalBytes: this.journal.bytes,
      snapshotBytes: this.adapter.bytes,
      compactions: this.compactor.counters.compactions,
      failedCompactions: this.compactor.counters.failed,
      written: {
        journal: this.journal.written,
        snapshot: this.compactor.counters.snapshotBytes,
        zeroFill: this.journal.zeroFilled,
      },
    };
  }

  private collection(name: string): Collection {
    let coll = this.data.get(name);
    if (!coll) {
      coll = new Collection();
      this.data.set(name, coll);
    }
    return coll;
  }

  /** The group commit's write: maybe start a compaction, then journal the batch as one frame. */
  private async writeBatch(batch: readonly StoreMutation[]): Promise<void> {
    const lines = batch.length === 1 ? batch[0]!.lines : batch.flatMap((m) => m.lines);
    const gate = await this.compactor.begin(lines.length > 0);
    if (lines.length === 0) {
      gate?.(true);
      return;
    }
    try {
      await this.journal.append(lines);
    } catch (err) {
      const coded = writeFailed(err, `Writing storage namespace "${this.ns}"`, { namespace: this.ns });
      gate?.(coded);
      this.logger.error({ err, namespace: this.ns }, 'storage write failed');
      throw coded;
    }
    gate?.(true);
    this.compactor.check();
  }
}
