import { Collection, entryJson, type RecordEntry } from './collection.js';
import type { NamespaceData } from './namespace-file.js';
import { recordEntry } from './namespace-file.js';

/**
 * The lines of a namespace journal frame, one JSON document each:
 * `{"set":"<collection>","record":{"id":…,"version":…,"createdAt":…,"updatedAt":…,"value":…}}`
 * puts the record as it is (replay is idempotent), `{"delete":"<collection>","id":"…"}`
 * removes one.
 */
export function setLine(collection: string, entry: RecordEntry): string {
  // Collection names match [a-z0-9_-], so they need no escaping.
  return `{"set":"${collection}","record":${entryJson(entry)}}`;
}

/** The journal line that deletes `id` from `collection`. */
export function deleteLine(collection: string, id: string): string {
  return `{"delete":"${collection}","id":${JSON.stringify(id)}}`;
}

const NAME = /^[a-z0-9][a-z0-9_-]{0,63}$/;

/** Applies one journal line to `data`; throws an Error saying what is wrong with a malformed one. */
export function applyLine(data: NamespaceData, line: string): void {
  let op: { set?: unknown; delete?: unknown; record?: unknown; id?: unknown };
  try {
    op = JSON.parse(line);
  } catch (err) {
    throw new Error(`a line is not JSON (${(err as Error).message})`);
  }
  const name = op?.set ?? op?.delete;
  if (typeof name !== 'string' || !NAME.test(name)) throw new Error('a line names no valid collection');
  let coll = data.get(name);
  if (op.set !== undefined) {
    const id = (op.record as { id?: unknown } | null)?.id;
    // A line as setLine writes it holds the record's text verbatim: reuse it rather than re-encode.
    const prefix = `{"set":"${name}","record":`;
    const verbatim = line.startsWith(prefix) && line.endsWith('}') && Object.keys(op).length === 2;
    const text = verbatim ? line.slice(prefix.length, -1) : undefined;
    const entry = typeof id === 'string' ? recordEntry(id, op.record, text) : null;
    if (!entry) throw new Error(`a set in collection "${name}" carries a malformed record`);
    if (!coll) {
      coll = new Collection();
      data.set(name, coll);
    }
    coll.put(id as string, entry);
  } else {
    if (typeof op.id !== 'string') throw new Error(`a delete in collection "${name}" has no id`);
    coll?.remove(op.id);
  }
}
