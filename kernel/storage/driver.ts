/** One stored record: the caller's value plus the bookkeeping every API object carries. */
export interface StoredRecord<T = unknown> {
  id: string;
  /** 1 on create, +1 per write; compare with {@link WriteOptions.expectedVersion}. */
  version: number;
  createdAt: string;
  updatedAt: string;
  value: T;
}

/** Options of a write: optimistic concurrency. */
export interface WriteOptions {
  /** The version the caller read; 0 means "must not exist yet". A mismatch is OMEGA_ERR_CONFLICT. */
  expectedVersion?: number;
}

/** Options of a list: ids in stable (UTF-16 code unit) order, paged with an opaque cursor. */
export interface ListOptions {
  /** Only ids that start with this string. */
  prefix?: string;
  /** Page size, 1–1000 (default 100). */
  limit?: number;
  /** The `nextCursor` of the previous page. */
  cursor?: string;
  /**
   * Most bytes of records one page holds (sum of their serialised UTF-8 sizes): the page ends
   * before the record that would pass it, with a `nextCursor`, so it may hold fewer than `limit`
   * records. Never empty: the first record goes in whatever its size. Absent: no byte bound.
   */
  maxBytes?: number;
}

/** One page of a list; `nextCursor` is absent on the last page. */
export interface ListPage<T> {
  items: StoredRecord<T>[];
  nextCursor?: string;
}

/** One operation of a {@link StorageDriver.transaction}: a set or a delete, each with an optional version check. */
export type TransactionOp =
  | { op: 'set'; collection: string; id: string; value: unknown; expectedVersion?: number }
  | { op: 'delete'; collection: string; id: string; expectedVersion?: number };

/** What one operation of a transaction did, at the same index as its op. */
export type TransactionResult = { op: 'set'; record: StoredRecord } | { op: 'delete'; deleted: boolean };

/** Most operations one transaction may hold. */
export const MAX_TRANSACTION_OPS = 1000;

/**
 * The storage contract (get/set/delete/list over namespaced collections). A mutation's
 * promise resolves only once the change is on disk; values are copied in and out.
 */
export interface StorageDriver {
  get<T>(ns: string, collection: string, id: string): Promise<StoredRecord<T> | undefined>;
  set<T>(ns: string, collection: string, id: string, value: T, opts?: WriteOptions): Promise<StoredRecord<T>>;
  /** Resolves true when a record was removed, false when there was none. */
  delete(ns: string, collection: string, id: string, opts?: WriteOptions): Promise<boolean>;
  list<T>(ns: string, collection: string, opts?: ListOptions): Promise<ListPage<T>>;
  /**
   * Applies several sets and deletes in one namespace all or nothing: ops run in order (a
   * later op sees the earlier ones), every `expectedVersion` is checked first (a mismatch is
   * OMEGA_ERR_CONFLICT naming the op's index, and nothing is applied), and the whole
   * transaction is one journal record, made durable by one group commit. 0–1000 ops.
   */
  transaction(ns: string, ops: readonly TransactionOp[]): Promise<TransactionResult[]>;
  /** Resolves when everything acknowledged or pending is on disk. */
  flush(): Promise<void>;
  /** Flushes, then rejects every later call with OMEGA_ERR_STORAGE_CLOSED. */
  close(): Promise<void>;
}

/** The driver bound to one namespace: exactly what a plugin is given. */
export interface NamespaceView {
  readonly ns: string;
  get<T>(collection: string, id: string): Promise<StoredRecord<T> | undefined>;
  set<T>(collection: string, id: string, value: T, opts?: WriteOptions): Promise<StoredRecord<T>>;
  delete(collection: string, id: string, opts?: WriteOptions): Promise<boolean>;
  list<T>(collection: string, opts?: ListOptions): Promise<ListPage<T>>;
  /** {@link StorageDriver.transaction} in this namespace (a quota applies to its net growth). */
  transaction(ops: readonly TransactionOp[]): Promise<TransactionResult[]>;
}
