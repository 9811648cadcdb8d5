import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type SignedDocument, unverifiedPayload } from '../metadata/index.js';

/** Default lifetimes of each document, in seconds. */
export const DEFAULT_EXPIRY_SEC = { root: 365 * 86400, index: 30 * 86400, timestamp: 86400 } as const;

/** ISO expiry `seconds` from `now`. */
export const expiresIn = (seconds: number, now = new Date()): string =>
  new Date(now.getTime() + seconds * 1000).toISOString();

/** Reads a signed document of the repository (e.g. `index.json`) with its payload (not verified: our own). */
export async function readRepoDocument<T>(
  dir: string,
  file: string,
): Promise<{ doc: SignedDocument; body: T }> {
  const doc = JSON.parse(await readFile(join(dir, file), 'utf8')) as SignedDocument;
  return { doc, body: unverifiedPayload<T>(doc) };
}

/** Writes a signed document (pretty JSON; the signed bytes are the base64url payload, so layout is free). */
export async function writeRepoDocument(dir: string, file: string, doc: SignedDocument): Promise<Uint8Array> {
  await mkdir(dir, { recursive: true });
  const bytes = Buffer.from(`${JSON.stringify(doc, null, 2)}\n`);
  await writeFile(join(dir, file), bytes);
  return bytes;
}
