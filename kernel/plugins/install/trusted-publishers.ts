import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type PublisherJwk, publisherKey } from '@omega/protocol/archive';
import { omegaError } from '../../errors/index.js';
import { writeFileDurable } from '../../storage/index.js';

/** A publisher key the operator trusts: an Ed25519 public JWK, with `kid` its RFC 7638 thumbprint. */
export interface TrustedPublisher {
  kid: string;
  jwk: PublisherJwk;
  name?: string;
  addedAt: string;
}

/** The operator's trust file in a data dir. */
export function trustedPublishersFile(dataDir: string): string {
  return join(dataDir, 'trusted-publishers.json');
}

/** The trusted publisher keys (an absent file: none). */
export async function loadTrustedPublishers(file: string): Promise<TrustedPublisher[]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw omegaError('OMEGA_ERR_CONFIG_INVALID', `${file} cannot be read.`, { file });
  }
  try {
    const doc = JSON.parse(text) as { publishers?: TrustedPublisher[] };
    if (!Array.isArray(doc.publishers)) throw new TypeError('publishers');
    return doc.publishers;
  } catch {
    throw omegaError('OMEGA_ERR_CONFIG_INVALID', `${file} must be {"publishers":[…]}.`, { file });
  }
}

/** Adds (or renames) a trusted publisher key in the trust file, written atomically; returns its kid. */
export async function trustPublisher(file: string, jwk: unknown, name?: string): Promise<TrustedPublisher> {
  const key = await publisherKey(jwk);
  const all = (await loadTrustedPublishers(file)).filter((p) => p.kid !== key.kid);
  const entry: TrustedPublisher = { ...key, ...(name ? { name } : {}), addedAt: new Date().toISOString() };
  all.push(entry);
  await writeFileDurable(file, `${JSON.stringify({ publishers: all }, null, 2)}\n`);
  return entry;
}
