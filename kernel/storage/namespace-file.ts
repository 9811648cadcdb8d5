import { omegaError } from '../errors/index.js';
import { Collection, makeEntry } from './collection.js';

/** The collections of one namespace, by name. */
export type NamespaceData = Map<string, Collection>;

const FORMAT = 1;
const CLOSE = Buffer.from('}');

/** Serialises a namespace: `{"format":1,"collections":{"<name>":{"<id>":{record},…},…}}`. */
export function encodeNamespace(data: NamespaceData): Buffer {
  const out: Buffer[] = [Buffer.from(`{"format":${FORMAT},"collections":{`)];
  let first = true;
  for (const [name, collection] of data) {
    if (collection.size === 0) continue;
    // Collection names match [a-z0-9_-], so they need no escaping.
    out.push(Buffer.from(`${first ? '' : ','}"${name}":{`));
    collection.encodeInto(out);
    out.push(CLOSE);
    first = false;
  }
  out.push(Buffer.from('}}'));
  return Buffer.concat(out);
}

/** The OMEGA_ERR_STORAGE_CORRUPT raised for a file that cannot be read back. */
export function corruptFile(file: string, reason: string): Error {
  return omegaError(
    'OMEGA_ERR_STORAGE_CORRUPT',
    `Storage file ${file} is corrupt (${reason}). Restore it from a backup, or move it aside ` +
      `(e.g. rename it to ${file}.corrupt) to start that store empty. Omega has not modified it.`,
    { file, reason },
  );
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** Parses and checks a namespace file; throws OMEGA_ERR_STORAGE_CORRUPT naming `file`. */
export function decodeNamespace(text: string, file: string): NamespaceData {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw corruptFile(file, `not valid JSON: ${(err as Error).message}`);
  }
  if (!isObject(doc) || doc.format !== FORMAT || !isObject(doc.collections)) {
    throw corruptFile(file, `not an Omega namespace file of format ${FORMAT}`);
  }
  const data: NamespaceData = new Map();
  for (const [name, records] of Object.entries(doc.collections)) {
    if (!isObject(records)) throw corruptFile(file, `collection "${name}" is not an object`);
    const collection = new Collection();
    for (const [id, r] of Object.entries(records)) {
      if (
        !isObject(r) ||
        r.id !== id ||
        !Number.isSafeInteger(r.version) ||
        (r.version as number) < 1 ||
        typeof r.createdAt !== 'string' ||
        typeof r.updatedAt !== 'string' ||
        !('value' in r)
      ) {
        throw corruptFile(file, `record "${id}" in collection "${name}" is malformed`);
      }
      const entry = makeEntry(id, r.version as number, r.createdAt, r.updatedAt, JSON.stringify(r.value));
      collection.put(id, entry);
    }
    data.set(name, collection);
  }
  return data;
}
