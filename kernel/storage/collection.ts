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

/** Records per chunk: a write re-serialises only the chunks that changed since the last one. */
const CHUNK_SIZE = 256;

interface Chunk {
  readonly records: Map<string, RecordEntry>;
  /** The chunk's records as UTF-8 `line,line,…`, or null when changed since last encoded. */
  bytes: Buffer | null;
}

const COMMA = Buffer.from(',');

/**
 * The records of one collection: a map for lookups, a sorted id index built on the first
 * list and kept up to date after, and the serialised bytes cached per chunk of records, so
 * a write re-encodes only what changed and joins the rest as bytes.
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
        chunk = { records: new Map(), bytes: null };
        this.chunks.push(chunk);
      }
      this.chunkOf.set(id, chunk);
      if (this.sorted) this.sorted.splice(lowerBound(this.sorted, id), 0, id);
    }
    this.total += entry.bytes - (chunk.records.get(id)?.bytes ?? 0);
    chunk.records.set(id, entry);
    chunk.bytes = null;
  }

  /** Removes a record (no-op when absent). */
  remove(id: string): void {
    const chunk = this.chunkOf.get(id);
    if (!chunk) return;
    this.total -= chunk.records.get(id)?.bytes ?? 0;
    this.chunkOf.delete(id);
    chunk.records.delete(id);
    chunk.bytes = null;
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

  /** Appends the collection's members (`"<id>":{…},…`, no braces) as UTF-8 pieces to `out`. */
  encodeInto(out: Buffer[]): void {
    this.chunks = this.chunks.filter((c) => c.records.size > 0);
    this.chunks.forEach((chunk, i) => {
      if (i > 0) out.push(COMMA);
      if (chunk.bytes === null) {
        const lines: string[] = [];
        for (const entry of chunk.records.values()) lines.push(entry.line);
        chunk.bytes = Buffer.from(lines.join(','), 'utf8');
      }
      out.push(chunk.bytes);
    });
  }
}
