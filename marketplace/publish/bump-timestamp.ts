import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { computeIntegrity } from '@omega/protocol/archive';
import {
  METADATA_SPEC,
  type SigningKey,
  signDocument,
  type TimestampDoc,
  TYP,
  unverifiedPayload,
} from '../metadata/index.js';
import { DEFAULT_EXPIRY_SEC, expiresIn, readRepoDocument, writeRepoDocument } from './repository-files.js';

/**
 * Signs a new `timestamp.json` (version + 1, short expiry) pinning the current `index.json` by
 * version, length and sha512. Run it after every index change, and before the old one expires.
 */
export async function bumpTimestamp(o: {
  dir: string;
  keys: readonly SigningKey[];
  now?: Date;
  expiresInSec?: number;
}): Promise<TimestampDoc> {
  const indexBytes = await readFile(join(o.dir, 'index.json'));
  const index = unverifiedPayload<{ version: number }>(JSON.parse(indexBytes.toString('utf8')));
  const previous = await readRepoDocument<TimestampDoc>(o.dir, 'timestamp.json').catch(() => null);
  const body: TimestampDoc = {
    type: 'timestamp',
    spec: METADATA_SPEC,
    version: (previous?.body.version ?? 0) + 1,
    expires: expiresIn(o.expiresInSec ?? DEFAULT_EXPIRY_SEC.timestamp, o.now),
    index: { version: index.version, length: indexBytes.byteLength, integrity: computeIntegrity(indexBytes) },
  };
  await writeRepoDocument(o.dir, 'timestamp.json', await signDocument(body, o.keys, TYP.timestamp));
  return body;
}
