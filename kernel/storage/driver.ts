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
}

/** One page of a list; `nextCursor` is absent on the last page. */
export interface ListPage<T> {
  items: StoredRecord<T>[];
  nextCursor?: string;
}

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
}
