import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { type OmegaError, omegaError } from '../errors/index.js';
import type { Keyring } from './keyring.js';
import { decodeBase64url, toBytes } from './to-bytes.js';

/** Version tag of the sealed format `v1.<kid>.<iv>.<ciphertext>.<tag>` (base64url parts). */
export const SEAL_VERSION = 'v1';
const IV_BYTES = 12;
const TAG_BYTES = 16;

/**
 * AES-256-GCM under the active seal key with a random 96-bit IV. The version and kid are
 * authenticated together with `aad`, so none of them can be swapped.
 */
export function seal(keyring: Keyring, plaintext: Uint8Array | string, aad = ''): string {
  const key = keyring.active('seal');
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key.secret, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(aadBytes(key.kid, aad));
  const ct = Buffer.concat([cipher.update(toBytes(plaintext, 'plaintext')), cipher.final()]);
  const tag = cipher.getAuthTag();
  return [
    SEAL_VERSION,
    key.kid,
    iv.toString('base64url'),
    ct.toString('base64url'),
    tag.toString('base64url'),
  ].join('.');
}

/** Opens what {@link seal} made; tamper, unknown or retired kid, or wrong `aad` is `OMEGA_ERR_SEAL_INVALID`. */
export function unseal(keyring: Keyring, sealed: string, aad = ''): Uint8Array {
  if (typeof sealed !== 'string') throw invalid('it is not a string', 'malformed');
  const parts = sealed.split('.');
  const [version, kid, ivPart, ctPart, tagPart] = parts;
  const [iv, ct, tag] = [ivPart, ctPart, tagPart].map((p) => decodeBase64url(p ?? '?'));
  if (
    parts.length !== 5 ||
    version !== SEAL_VERSION ||
    iv?.length !== IV_BYTES ||
    tag?.length !== TAG_BYTES ||
    !ct
  ) {
    throw invalid(`it is not in the ${SEAL_VERSION} sealed format`, 'malformed');
  }
  const key = keyring.find('seal', kid!);
  if (!key) throw invalid('it was sealed with a key this kernel does not know or has retired', 'kid');
  try {
    const decipher = createDecipheriv('aes-256-gcm', key.secret, iv, { authTagLength: TAG_BYTES });
    decipher.setAAD(aadBytes(key.kid, aad));
    decipher.setAuthTag(tag);
    const out = Buffer.concat([decipher.update(ct), decipher.final()]);
    return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
  } catch {
    throw invalid('it was altered, or the associated data does not match', 'tag');
  }
}

function aadBytes(kid: string, aad: string): Buffer {
  if (typeof aad !== 'string') throw omegaError('OMEGA_ERR_VALIDATION', 'aad must be a string.');
  return Buffer.from(`${SEAL_VERSION}.${kid}.${aad}`, 'utf8');
}

function invalid(why: string, reason: string): OmegaError {
  return omegaError('OMEGA_ERR_SEAL_INVALID', `Sealed data cannot be opened: ${why}.`, { reason });
}
