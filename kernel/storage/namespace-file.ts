import { Collection, type CollectionCapture, makeEntry, type RecordEntry } from './collection.js';
import { corruptFile } from './storage-errors.js';

/** The collections of one namespace, by name. */
export type NamespaceData = Map<string, Collection>;

/** What a snapshot file holds: the records, and the last journal frame they include. */
export interface NamespaceSnapshot {
  data: NamespaceData;
  /** Journal frames up to this sequence number are in the snapshot (0: none). */
  through: number;
}

/** The snapshot format written; format 1 (no journal, `through` 0) is still read. */
export const SNAPSHOT_FORMAT = 2;

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Checks one stored record and builds its entry; null when it is malformed. `text`, when
 * given, is the record's JSON as stored (it becomes the entry's text, saving a re-encoding).
 */
export function recordEntry(id: string, r: unknown, text?: string): RecordEntry | null {
  if (
    !isObject(r) ||
    r.id !== id ||
    !Number.isSafeInteger(r.version) ||
    (r.version as number) < 1 ||
    typeof r.createdAt !== 'string' ||
    typeof r.updatedAt !== 'string' ||
    !('value' in r)
  ) {
    return null;
  }
  if (text === undefined) {
    return makeEntry(id, r.version as number, r.createdAt, r.updatedAt, JSON.stringify(r.value));
  }
  const key = JSON.stringify(id);
  const line = `${key}:${text}`;
  return {
    version: r.version as number,
    createdAt: r.createdAt,
    line,
    start: key.length + 1,
    bytes: Buffer.byteLength(line),
  };
}

/**
 * Parses and checks a snapshot: `{"format":2,"through":N,"collections":{"<name>":{"<id>":{record},…},…}}`
 * (or format 1, without `through`). Throws OMEGA_ERR_STORAGE_CORRUPT naming `file`.
 */
export function decodeNamespace(text: string, file: string): NamespaceSnapshot {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw corruptFile(file, `not valid JSON: ${(err as Error).message}`);
  }
  if (!isObject(doc) || (doc.format !== 1 && doc.format !== SNAPSHOT_FORMAT) || !isObject(doc.collections)) {
    throw corruptFile(file, `not an Omega namespace file of format 1 or ${SNAPSHOT_FORMAT}`);
  }
  const through = doc.format === 1 ? 0 : doc.through;
  if (!Number.isSafeInteger(through) || (through as number) < 0) {
    throw corruptFile(file, '"through" is not a journal frame number');
  }
  const data: NamespaceData = new Map();
  for (const [name, records] of Object.entries(doc.collections)) {
    if (!isObject(records)) throw corruptFile(file, `collection "${name}" is not an object`);
    const collection = new Collection();
    for (const [id, r] of Object.entries(records)) {
      const entry = recordEntry(id, r);
      if (!entry) throw corruptFile(file, `record "${id}" in collection "${name}" is malformed`);
      collection.put(id, entry);
    }
    data.set(name, collection);
  }
  return { data, through: through as number };
}

/** A namespace frozen at one instant (see {@link Collection.capture}), with the journal frame it includes. */
export interface NamespaceCapture {
  readonly through: number;
  readonly collections: readonly { name: string; capture: CollectionCapture }[];
  /** Records in it. */
  readonly records: number;
  release(): void;
}

/** Captures every non-empty collection of `data` in O(chunks). */
export function captureNamespace(data: NamespaceData, through: number): NamespaceCapture {
  const collections: { name: string; capture: CollectionCapture }[] = [];
  let records = 0;
  for (const [name, coll] of data) {
    if (coll.size === 0) continue;
    const capture = coll.capture();
    records += capture.size;
    collections.push({ name, capture });
  }
  return {
    through,
    collections,
    records,
    release: () => {
      for (const c of collections) c.capture.release();
    },
  };
}
