/** One stored record, kept as its serialised JSON so a file write only joins strings. */
export interface RecordEntry {
  readonly version: number;
  readonly createdAt: string;
  /** `"<id>":{…record…}`: the record as it appears in the namespace file. */
  readonly line: string;
  /** Where the record's JSON starts in `line`. */
  readonly start: number;
  /** UTF-8 size of `line`: what the record adds to its namespace's quota usage. */
  readonly bytes: number;
}

/** Builds the entry of one record from its parts; `valueJson` is already-validated JSON. */
export function makeEntry(
  id: string,
  version: number,
  createdAt: string,
  updatedAt: string,
  valueJson: string,
): RecordEntry {
  const key = JSON.stringify(id);
  const times = `"createdAt":${JSON.stringify(createdAt)},"updatedAt":${JSON.stringify(updatedAt)}`;
  const line = `${key}:{"id":${key},"version":${version},${times},"value":${valueJson}}`;
  return { version, createdAt, line, start: key.length + 1, bytes: Buffer.byteLength(line, 'utf8') };
}

/** The record's JSON text (a fresh `JSON.parse` of it is the caller's copy). */
export function entryJson(entry: RecordEntry): string {
  return entry.line.slice(entry.start);
}

function lowerBound(sorted: readonly string[], id: string): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! < id) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Records per chunk: a snapshot shares chunks with the live collection, copying one only when it changes. */
const CHUNK_SIZE = 256;

interface Chunk {
  records: Map<string, RecordEntry>;
  /** A snapshot in progress holds `records`: copy it before the next change. */
  shared: boolean;
}

/** A frozen view of a collection's records, taken in O(chunks) by {@link Collection.capture}. */
export interface CollectionCapture {
  /** The record maps as they were at capture time; never changed afterwards. */
  readonly parts: readonly ReadonlyMap<string, RecordEntry>[];
  readonly size: number;
  /** Lets the collection change those maps in place again (call when the snapshot is written). */
  release(): void;
}

/**
 * The records of one collection: a map for lookups, a sorted id index built on the first
 * list and kept up to date after, and the records held in chunks so a snapshot can be
 * captured without copying them (copy-on-write, one chunk at a time).
 */
export class Collection {
  private readonly chunkOf = new Map<string, Chunk>();
  private chunks: Chunk[] = [];
  private sorted: string[] | null = null;
  private total = 0;

  get size(): number {
    return this.chunkOf.size;
  }

  /** Sum of the records' UTF-8 sizes (`entry.bytes`), kept up to date on every put and remove. */
  get bytes(): number {
    return this.total;
  }

  get(id: string): RecordEntry | undefined {
    return this.chunkOf.get(id)?.records.get(id);
  }

  /** Inserts or replaces a record. */
  put(id: string, entry: RecordEntry): void {
    let chunk = this.chunkOf.get(id);
    if (!chunk) {
      chunk = this.chunks[this.chunks.length - 1];
      if (!chunk || chunk.records.size >= CHUNK_SIZE) {
        chunk = { records: new Map(), shared: false };
        this.chunks.push(chunk);
      }
      this.chunkOf.set(id, chunk);
      if (this.sorted) this.sorted.splice(lowerBound(this.sorted, id), 0, id);
    }
    const records = writable(chunk);
    this.total += entry.bytes - (records.get(id)?.bytes ?? 0);
    records.set(id, entry);
  }

  /** Removes a record (no-op when absent). */
  remove(id: string): void {
    const chunk = this.chunkOf.get(id);
    if (!chunk) return;
    const records = writable(chunk);
    this.total -= records.get(id)?.bytes ?? 0;
    this.chunkOf.delete(id);
    records.delete(id);
    if (records.size === 0 && chunk !== this.chunks[this.chunks.length - 1]) {
      this.chunks.splice(this.chunks.indexOf(chunk), 1);
    }
    if (this.sorted) this.sorted.splice(lowerBound(this.sorted, id), 1);
  }

  /** Up to `limit` ids in sorted order that start with `prefix` and come after `after`; `more` if others follow. */
  page(prefix: string, after: string | undefined, limit: number): { ids: string[]; more: boolean } {
    this.sorted ??= [...this.chunkOf.keys()].sort();
    const sorted = this.sorted;
    let i = lowerBound(sorted, prefix);
    if (after !== undefined) {
      i = Math.max(i, lowerBound(sorted, after));
      if (sorted[i] === after) i++;
    }
    const ids: string[] = [];
    for (; i < sorted.length && ids.length < limit; i++) {
      const id = sorted[i]!;
      if (!id.startsWith(prefix)) return { ids, more: false };
      ids.push(id);
    }
    return { ids, more: i < sorted.length && sorted[i]!.startsWith(prefix) };
  }

  /**
   * The records as they are now, without copying them: every chunk is marked shared, and a
   * later change to a shared chunk copies that chunk first (256 records at most).
   */
  capture(): CollectionCapture {
    const held: Chunk[] = [];
    const parts: Map<string, RecordEntry>[] = [];
    for (const chunk of this.chunks) {
      if (chunk.records.size === 0) continue;
      chunk.shared = true;
      held.push(chunk);
      parts.push(chunk.records);
    }
    return {
      parts,
      size: this.size,
      release: () => {
        held.forEach((chunk, i) => {
          if (chunk.records === parts[i]) chunk.shared = false;
        });
      },
    };
  }
}

/** The chunk's map, copied first when a snapshot holds it. */
function writable(chunk: Chunk): Map<string, RecordEntry> {
  if (chunk.shared) {
    chunk.records = new Map(chunk.records);
    chunk.shared = false;
  }
  return chunk.records;
}
