import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { omegaError } from '@omega/protocol';
import { publisherKey, signingPayload } from '@omega/protocol/archive';
import { CompactSign, importJWK, type JWK } from 'jose';
import { assertBuildCurrent } from '../build/assert-build-current.js';
import { writeFileAtomic } from '../build/write-file-atomic.js';
import { readPluginFiles } from './read-plugin-files.js';

/** Where `omega-plugin sign` puts the signature, relative to the plugin folder. */
export const SIGNATURE_FILE = 'dist/plugin.sig.json';

/** A signature file: the detached JWS and the publisher's public key (to check it is current). */
export interface SignatureFile {
  kid: string;
  jws: string;
  publicKey: JWK;
}

/**
 * Signs a built plugin with a publisher's private JWK: a detached compact JWS (EdDSA, `kid` =
 * the key's thumbprint) over the digest of dist/plugin.json and the bundle (signingPayload of
 * @omega/protocol/archive). Refuses a dist/ older than its sources. Writes
 * {@link SIGNATURE_FILE} and returns it.
 */
export async function signPlugin(
  dir: string,
  privateKeyFile: string,
): Promise<SignatureFile & { file: string }> {
  let jwk: JWK;
  let text: string;
  try {
    text = await readFile(privateKeyFile, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw omegaError(
      'OMEGA_ERR_VALIDATION',
      code === 'ENOENT'
        ? `${privateKeyFile}: no such file (make a key with omega-plugin keygen, or give the path to yours).`
        : `${privateKeyFile} cannot be read (${code ?? 'error'}).`,
    );
  }
  try {
    jwk = JSON.parse(text) as JWK;
  } catch {
    throw omegaError(
      'OMEGA_ERR_VALIDATION',
      `${privateKeyFile} cannot be read as JSON (make a key with omega-plugin keygen).`,
    );
  }
  if (jwk.kty !== 'OKP' || jwk.crv !== 'Ed25519' || typeof jwk.d !== 'string') {
    throw omegaError(
      'OMEGA_ERR_VALIDATION',
      `${privateKeyFile} is not an Ed25519 private JWK (make one with omega-plugin keygen).`,
    );
  }
  const { kid, jwk: publicKey } = await publisherKey({ kty: jwk.kty, crv: jwk.crv, x: jwk.x });
  await assertBuildCurrent(dir);
  const { manifest, manifestText, bundle } = await readPluginFiles(dir);
  const payload = signingPayload(manifest.name, manifest.version, manifestText, bundle);
  const key = await importJWK(jwk, 'EdDSA');
  const compact = await new CompactSign(new TextEncoder().encode(payload))
    .setProtectedHeader({ alg: 'EdDSA', kid })
    .sign(key);
  const [h, , s] = compact.split('.');
  const sig: SignatureFile = { kid, jws: `${h}..${s}`, publicKey };
  const file = join(dir, SIGNATURE_FILE);
  await writeFileAtomic(file, `${JSON.stringify(sig, null, 2)}\n`);
  return { ...sig, file };
}
