import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { omegaError } from '@omega/protocol';
import { calculateJwkThumbprint, exportJWK, generateKeyPair } from 'jose';
import { writeFileAtomic } from '../build/write-file-atomic.js';

/** The files {@link generatePublisherKey} wrote and the key's id. */
export interface PublisherKeyFiles {
  kid: string;
  privateKeyFile: string;
  publicKeyFile: string;
}

/**
 * Makes a publisher's Ed25519 key pair as JWK files `<name>.private.jwk` (mode 0600; keep it
 * secret) and `<name>.public.jwk` (give it to operators), both carrying `kid` = the RFC 7638
 * thumbprint. Refuses to overwrite an existing key.
 */
export async function generatePublisherKey(dir: string, name = 'publisher'): Promise<PublisherKeyFiles> {
  const privateKeyFile = join(dir, `${name}.private.jwk`);
  const publicKeyFile = join(dir, `${name}.public.jwk`);
  for (const f of [privateKeyFile, publicKeyFile]) {
    if (existsSync(f))
      throw omegaError('OMEGA_ERR_ALREADY_EXISTS', `${f} exists; keys are never overwritten.`, { file: f });
  }
  const { privateKey, publicKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true });
  const pub = await exportJWK(publicKey);
  const kid = await calculateJwkThumbprint(pub, 'sha256');
  const priv = { ...(await exportJWK(privateKey)), kid, alg: 'EdDSA', use: 'sig' };
  await mkdir(dir, { recursive: true });
  await writeFileAtomic(privateKeyFile, `${JSON.stringify(priv, null, 2)}\n`, { mode: 0o600 });
  await writeFileAtomic(
    publicKeyFile,
    `${JSON.stringify({ ...pub, kid, alg: 'EdDSA', use: 'sig' }, null, 2)}\n`,
  );
  return { kid, privateKeyFile, publicKeyFile };
}
