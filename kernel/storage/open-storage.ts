import { mkdir, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { omegaError } from '../errors/index.js';
import type { Logger } from '../log/index.js';
import type {
  ListOptions,
  ListPage,
  NamespaceView,
  StorageDriver,
  StoredRecord,
  TransactionOp,
  TransactionResult,
  WriteOptions,
} from './driver.js';
import { removeStaleTempFiles, syncDir } from './durable-file.js';
import {
  decodeEphemeral,
  type EphemeralData,
  type EphemeralOptions,
  EphemeralStore,
} from './ephemeral-store.js';
import { EventLog, type EventLogOptions, type RecoveredEvents } from './event-log.js';
import {
  type CompactionPolicy,
  type CompactionStep,
  DEFAULT_COMPACTION,
  type NamespaceStats,
  NamespaceStore,
  type NamespaceStoreOptions,
} from './namespace-store.js';
import { validateName } from './validate.js';

/** Options of {@link openStorage}. */
export interface StorageOptions {
  /** The kernel's data directory; files go to `storage/` and `ephemeral/` inside it. */
  dataDir: string;
  logger: Logger;
  /** When journals are compacted (default: at 4 MiB and once as large as the snapshot). */
  compaction?: Partial<CompactionPolicy>;
  /** Called as each step of a compaction completes (for logs and crash tests). */
  onCompactionStep?: (ns: string, step: CompactionStep) => void;
}

/**
 * Per-namespace counters: records held, their stored bytes (what a quota counts), mutations
 * acknowledged, journal writes done and failed, journal and snapshot sizes, compactions.
 */
export type StorageStats = Record<string, NamespaceStats>;

/** Options of {@link Storage.namespace}. */
export interface NamespaceOptions {
  /**
   * Most bytes the namespace's records may take (sum of their serialised UTF-8 sizes). A set
   * that would grow it past this is refused with OMEGA_ERR_PLUGIN_LIMIT (extras: ns, used,
   * quota) before it applies; deletes and writes that do not grow it always pass. Absent:
   * unlimited (the kernel's own namespaces).
   */
  quotaBytes?: number;
  /** Most bytes of records in one list page (ListOptions.maxBytes of every list); absent: none. */
  pageBytes?: number;
}

/**
 * The kernel's storage service: the driver plus namespace views and ephemeral stores.
 * Reads and version checks see every applied mutation, including one whose write is still
 * in flight; only the mutation's own promise waits for the disk. One process per data dir.
 */
export interface Storage extends StorageDriver {
  /** The driver bound to one namespace (what a plugin is given), optionally under a quota. */
  namespace(ns: string, opts?: NamespaceOptions): NamespaceView;
  /** Namespaces that have a file or were written since open, sorted. */
  namespaces(): string[];
  /** Compacts a namespace now (snapshot, then its journal reset); resolves when both are on disk. */
  compact(ns: string): Promise<void>;
  /**
   * Opens the event log (`<dataDir>/events/`, once per storage) and returns what it holds;
   * flush and close include it.
   */
  openEventLog(opts?: EventLogOptions): Promise<{ log: EventLog; recovered: RecoveredEvents }>;
  /** The ephemeral store `<ns>.<name>` (same instance on every call; the first call's options win). */
  ephemeral(ns: string, name: string, opts?: EphemeralOptions): EphemeralStore;
  stats(): StorageStats;
}

const NS_FILE = /^([a-z0-9][a-z0-9_-]{0,63})\.json$/;
const JOURNAL_FILE = /^([a-z0-9][a-z0-9_-]{0,63})\.([1-9][0-9]{0,15})\.journal$/;
const EPHEMERAL_FILE = /^([a-z0-9][a-z0-9_-]{0,63})\.([a-z0-9][a-z0-9_-]{0,63})\.json$/;

async function prepareDir(dir: string, logger: Logger): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  await syncDir(join(dir, '..'));
  const stale = await removeStaleTempFiles(dir);
  if (stale.length > 0) logger.warn({ dir, files: stale }, 'removed temp files left by an interrupted write');
  return readdir(dir);
}

/** Namespace name → generations of its journal segments, from a storage directory listing. */
function namespaceFiles(names: string[], dir: string, logger: Logger): Map<string, number[]> {
  const found = new Map<string, number[]>();
  for (const name of names) {
    const snapshot = NS_FILE.exec(name);
    const journal = JOURNAL_FILE.exec(name);
    if (!snapshot && !journal) {
      logger.warn({ file: join(dir, name) }, 'ignoring a file that is not a namespace snapshot or journal');
      continue;
    }
    const ns = (snapshot ?? journal)![1]!;
    const gens = found.get(ns) ?? [];
    if (journal) gens.push(Number(journal[2]));
    found.set(ns, gens);
  }
  return found;
}

/**
 * Opens the storage under `dataDir`: removes stale temp files, reads and checks every
 * namespace (snapshot, then journal) and ephemeral file (a corrupt one stops start-up with
 * OMEGA_ERR_STORAGE_CORRUPT and is left as it is; a torn journal tail is dropped and
 * logged), and returns the service.
 */
export async function openStorage(options: StorageOptions): Promise<Storage> {
  const { dataDir, logger } = options;
  const storageDir = join(dataDir, 'storage');
  const ephemeralDir = join(dataDir, 'ephemeral');
  const nsOptions: NamespaceStoreOptions = {
    logger,
    compaction: { ...DEFAULT_COMPACTION, ...options.compaction },
    ...(options.onCompactionStep ? { onCompactionStep: options.onCompactionStep } : {}),
  };
  const stores = new Map<string, NamespaceStore>();
  const opened: NamespaceStore[] = [];
  try {
    const files = namespaceFiles(await prepareDir(storageDir, logger), storageDir, logger);
    for (const [ns, gens] of files) {
      const started = performance.now();
      const store = await NamespaceStore.open(ns, storageDir, gens, nsOptions);
      opened.push(store);
      stores.set(ns, store);
      // Large namespaces take a while to read: say which, so a slow start-up is not a mystery.
      const ms = Math.round(performance.now() - started);
      if (ms >= 1000) {
        const { records, snapshotBytes, journalBytes } = store.stats();
        logger.info({ namespace: ns, records, snapshotBytes, journalBytes, ms }, 'storage namespace loaded');
      }
    }
  } catch (err) {
    await Promise.allSettled(opened.map((s) => s.close()));
    throw err;
  }
  const ephemeralData = new Map<string, EphemeralData>();
  try {
    for (const name of await prepareDir(ephemeralDir, logger)) {
      if (!EPHEMERAL_FILE.test(name)) {
        logger.warn({ file: join(ephemeralDir, name) }, 'ignoring a file that is not an ephemeral store');
        continue;
      }
      const file = join(ephemeralDir, name);
      ephemeralData.set(name, decodeEphemeral(await readFile(file, 'utf8'), file));
    }
  } catch (err) {
    await Promise.allSettled(opened.map((s) => s.close()));
    throw err;
  }
  logger.info({ dataDir, namespaces: stores.size, ephemeral: ephemeralData.size }, 'storage open');
  return new LowdbStorage(dataDir, stores, ephemeralData, nsOptions, logger);
}

class LowdbStorage implements Storage {
  private closed = false;
  private readonly ephemerals = new Map<string, EphemeralStore>();
  private eventLog: EventLog | null = null;
  private readonly storageDir: string;
  private readonly ephemeralDir: string;

  constructor(
    private readonly dataDir: string,
    private readonly stores: Map<string, NamespaceStore>,
    private readonly ephemeralData: Map<string, EphemeralData>,
    private readonly nsOptions: NamespaceStoreOptions,
    private readonly logger: Logger,
  ) {
    this.storageDir = join(dataDir, 'storage');
    this.ephemeralDir = join(dataDir, 'ephemeral');
  }

  async openEventLog(opts: EventLogOptions = {}): Promise<{ log: EventLog; recovered: RecoveredEvents }> {
    this.checkOpen();
    if (this.eventLog) throw omegaError('OMEGA_ERR_INTERNAL', 'The event log is already open.');
    const opened = await EventLog.open(
      join(this.dataDir, 'events'),
      opts,
      this.logger.child({ store: 'events' }),
    );
    this.eventLog = opened.log;
    return opened;
  }

  async get<T>(ns: string, collection: string, id: string): Promise<StoredRecord<T> | undefined> {
    return this.store(ns).get<T>(collection, id);
  }

  async set<T>(
    ns: string,
    collection: string,
    id: string,
    value: T,
    opts?: WriteOptions,
  ): Promise<StoredRecord<T>> {
    return this.store(ns).set(collection, id, value, opts);
  }

  async delete(ns: string, collection: string, id: string, opts?: WriteOptions): Promise<boolean> {
    return this.store(ns).delete(collection, id, opts);
  }

  async list<T>(ns: string, collection: string, opts?: ListOptions): Promise<ListPage<T>> {
    return this.store(ns).list<T>(collection, opts);
  }

  async transaction(ns: string, ops: readonly TransactionOp[]): Promise<TransactionResult[]> {
    return this.store(ns).transaction(ops);
  }

  async compact(ns: string): Promise<void> {
    return this.store(ns).compact();
  }

  namespace(ns: string, options: NamespaceOptions = {}): NamespaceView {
    validateName('ns', ns);
    const quota = options.quotaBytes;
    const pageBytes = options.pageBytes;
    if (quota !== undefined && !(Number.isSafeInteger(quota) && quota >= 0)) {
      throw omegaError('OMEGA_ERR_VALIDATION', 'quotaBytes must be a non-negative integer', {
        field: 'quotaBytes',
        errors: [{ field: 'quotaBytes', message: 'a non-negative integer' }],
      });
    }
    return {
      ns,
      get: (collection, id) => this.get(ns, collection, id),
      set: (collection, id, value, opts) => this.store(ns).set(collection, id, value, opts, quota),
      delete: (collection, id, opts) => this.delete(ns, collection, id, opts),
      list: (collection, opts) =>
        this.list(ns, collection, pageBytes === undefined ? opts : { ...opts, maxBytes: pageBytes }),
      transaction: async (ops) => this.store(ns).transaction(ops, quota),
    };
  }

  namespaces(): string[] {
    return [...this.stores.values()]
      .filter((s) => s.exists)
      .map((s) => s.ns)
      .sort();
  }

  ephemeral(ns: string, name: string, opts: EphemeralOptions = {}): EphemeralStore {
    this.checkOpen();
    const fileName = `${validateName('ns', ns)}.${validateName('name', name)}.json`;
    let store = this.ephemerals.get(fileName);
    if (!store) {
      const data = this.ephemeralData.get(fileName) ?? new Map();
      this.ephemeralData.delete(fileName);
      store = new EphemeralStore(join(this.ephemeralDir, fileName), data, opts, this.logger);
      this.ephemerals.set(fileName, store);
    }
    return store;
  }

  async flush(): Promise<void> {
    const all = [...this.stores.values()].map((s) => s.flush());
    for (const e of this.ephemerals.values()) all.push(e.flush());
    if (this.eventLog) all.push(this.eventLog.flush());
    const results = await Promise.allSettled(all);
    const failed = results.find((r) => r.status === 'rejected');
    if (failed) throw failed.reason;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const results = await Promise.allSettled([
      ...[...this.stores.values()].map((s) => s.close()),
      ...[...this.ephemerals.values()].map((e) => e.close()),
      ...(this.eventLog ? [this.eventLog.close()] : []),
    ]);
    const failed = results.find((r) => r.status === 'rejected');
    if (failed) throw failed.reason;
  }

  stats(): StorageStats {
    const out: StorageStats = {};
    for (const [ns, store] of this.stores) out[ns] = store.stats();
    return out;
  }

  private checkOpen(): void {
    if (this.closed) throw omegaError('OMEGA_ERR_STORAGE_CLOSED', 'Storage is closed.');
  }

  /** The namespace's store, created (empty, no file until the first write) on first use. */
  private store(ns: string): NamespaceStore {
    this.checkOpen();
    let store = this.stores.get(ns);
    if (!store) {
      validateName('ns', ns);
      store = NamespaceStore.empty(ns, this.storageDir, this.nsOptions);
      this.stores.set(ns, store);
    }
    return store;
  }
}
