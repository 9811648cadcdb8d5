/** One stored record, kept as its serialised JSON so a file write only joins strings. */
export interface RecordEntry {
  readonly version: number;
  readonly createdAt: string;
  /** `"<id>":{…record…}`: the record as it appears in the namespace file. */
  readonly line: string;
  /** Where the record's JSON starts in `line`. */
  readonly start: number;
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
  return { version, createdAt, line, start: key.length + 1 };
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

/**
 * The records of one collection: a map for lookups, a sorted id index built on the first
 * list and kept up to date after, and the collection's serialised text cached until the
 * next change.
 */
export class Collection {
  private readonly entries = new Map<string, RecordEntry>();
  private sorted: string[] | null = null;
  private text: string | null = null;

  get size(): number {
    return this.entries.size;
  }

  get(id: string): RecordEntry | undefined {
    return this.entries.get(id);
  }

  /** Inserts or replaces a record. */
  put(id: string, entry: RecordEntry): void {
    const isNew = !this.entries.has(id);
    this.entries.set(id, entry);
    this.text = null;
    if (isNew && this.sorted) this.sorted.splice(lowerBound(this.sorted, id), 0, id);
  }

  /** Removes a record (no-op when absent). */
  remove(id: string): void {
    if (!this.entries.delete(id)) return;
    this.text = null;
    if (this.sorted) this.sorted.splice(lowerBound(this.sorted, id), 1);
  }

  /** Up to `limit` ids in sorted order that start with `prefix` and come after `after`; `more` if others follow. */
  page(prefix: string, after: string | undefined, limit: number): { ids: string[]; more: boolean } {
    this.sorted ??= [...this.entries.keys()].sort();
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

  /** The collection as a JSON object text (`{"<id>":{…},…}`), cached until the next change. */
  encode(): string {
    if (this.text === null) {
      const lines: string[] = [];
      for (const entry of this.entries.values()) lines.push(entry.line);
      this.text = `{${lines.join(',')}}`;
    }
    return this.text;
  }
}
