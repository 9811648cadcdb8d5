import { open } from 'node:fs/promises';
import { Collection } from './collection.js';
import type { NamespaceData, NamespaceSnapshot } from './namespace-file.js';
import { recordEntry, SNAPSHOT_FORMAT } from './namespace-file.js';

const HEADER = new RegExp(
  `^\\{"format":${SNAPSHOT_FORMAT},"through":(0|[1-9][0-9]{0,15}),"collections":\\{$`,
);
const OPEN = /^,?"([a-z0-9][a-z0-9_-]{0,63})":\{$/;
const BLOCK = 4 * 1024 * 1024;

/**
 * Calls `visit` with each line of a file, decoded one at a time (no string of the whole file
 * is ever built); stops early when it returns false. Resolves false if it was stopped.
 */
async function eachLine(file: string, visit: (line: string) => boolean): Promise<boolean> {
  const fh = await open(file, 'r');
  try {
    let rest = Buffer.alloc(0);
    const buf = Buffer.allocUnsafe(BLOCK);
    for (;;) {
      const { bytesRead } = await fh.read(buf, 0, BLOCK, null);
      if (bytesRead === 0) break;
      const chunk =
        rest.length > 0 ? Buffer.concat([rest, buf.subarray(0, bytesRead)]) : buf.subarray(0, bytesRead);
      let start = 0;
      for (let nl = chunk.indexOf(0x0a, start); nl !== -1; nl = chunk.indexOf(0x0a, start)) {
        if (!visit(chunk.toString('utf8', start, nl))) return false;
        start = nl + 1;
      }
      rest = Buffer.from(chunk.subarray(start));
    }
    return rest.length === 0 || visit(rest.toString('utf8'));
  } finally {
    await fh.close();
  }
}

/** Where the JSON string that starts `text` ends (index of its closing quote), or -1. */
function endOfKey(text: string): number {
  if (text[0] !== '"') return -1;
  for (let i = 1; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x5c)
      i++; // backslash: skip the escaped character
    else if (c === 0x22) return i;
  }
  return -1;
}

/**
 * Reads a snapshot written in the line layout (one record per line, see
 * {@link SnapshotAdapter}) record by record, reusing each record's text: memory and time
 * grow with the records, with no whole-file string or object tree. Returns null when the
 * file is not in that exact layout (format 1, edited by hand, damaged): the caller then
 * parses it as a whole, which also names what is wrong.
 */
export async function readSnapshotLines(file: string): Promise<NamespaceSnapshot | null> {
  const data: NamespaceData = new Map();
  let through: number | undefined;
  let current: Collection | null = null;
  let ended = false;
  const visit = (line: string): boolean => {
    if (ended) return line.trim() === '';
    if (through === undefined) {
      const m = HEADER.exec(line);
      if (!m) return false;
      through = Number(m[1]);
      return true;
    }
    if (current === null) {
      if (line === '}}') {
        ended = true;
        return true;
      }
      const m = OPEN.exec(line);
      if (!m || data.has(m[1]!)) return false;
      current = new Collection();
      data.set(m[1]!, current);
      return true;
    }
    if (line === '}') {
      current = null;
      return true;
    }
    const text = line.startsWith(',') ? line.slice(1) : line;
    const end = endOfKey(text);
    if (end === -1 || text[end + 1] !== ':') return false;
    let id: unknown;
    let record: unknown;
    try {
      id = JSON.parse(text.slice(0, end + 1));
      record = JSON.parse(text.slice(end + 2));
    } catch {
      return false;
    }
    const entry = typeof id === 'string' ? recordEntry(id, record, text.slice(end + 2)) : null;
    if (!entry) return false;
    current.put(id as string, entry); // a repeated id replaces the earlier one, as in JSON.parse
    return true;
  };
  const whole = await eachLine(file, visit);
  return whole && ended && through !== undefined ? { data, through } : null;
}
