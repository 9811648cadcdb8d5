import {
  createPrivateKey,
  createPublicKey,
  createSecretKey,
  generateKeyPairSync,
  type KeyObject,
  randomBytes,
} from 'node:crypto';
import type { JWK } from 'jose';
import type { KeyInfo, KeyKind } from './types.js';

/** An Ed25519 signing key held in memory (module-internal; never handed out). */
export interface SigningKey extends KeyInfo {
  kind: 'signing';
  privateKey: KeyObject;
  publicKey: KeyObject;
  /** Public JWK with kid, alg and use, ready for a JWK Set. */
  publicJwk: JWK;
}

/** An AES-256-GCM or HMAC-SHA256 key held in memory (module-internal; never handed out). */
export interface SecretKey extends KeyInfo {
  kind: 'seal' | 'hmac';
  secret: KeyObject;
}

/** A key with its material, as the keyring holds it. */
export type LoadedKey = SigningKey | SecretKey;

/** A key as written in keyring.json: metadata plus the material as a private JWK. */
export interface StoredKey extends KeyInfo {
  jwk: JWK;
}

/** Bytes of an AES-256 or HMAC-SHA256 key. */
export const SECRET_KEY_BYTES = 32;

const KID_PREFIX: Record<KeyKind, string> = { signing: 'sig', seal: 'seal', hmac: 'mac' };

/** Makes a fresh active key of one kind, with a new random kid. */
export function generateKey(kind: KeyKind, now = new Date()): LoadedKey {
  const info = {
    kid: `${KID_PREFIX[kind]}-${randomBytes(9).toString('base64url')}`,
    status: 'active' as const,
    createdAt: now.toISOString(),
  };
  if (kind === 'signing') {
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    return { ...info, kind, privateKey, publicKey, publicJwk: publicJwkOf(publicKey, info.kid) };
  }
  return { ...info, kind, secret: createSecretKey(randomBytes(SECRET_KEY_BYTES)) };
}

/** Turns a stored key into key objects; throws a plain Error with a reason when the material is bad. */
export function importKey(stored: StoredKey): LoadedKey {
  const { kid, kind, status, createdAt, jwk } = stored;
  if (kind === 'signing') {
    if (
      jwk.kty !== 'OKP' ||
      jwk.crv !== 'Ed25519' ||
      typeof jwk.d !== 'string' ||
      typeof jwk.x !== 'string'
    ) {
      throw new Error(`key ${kid}: signing material must be an Ed25519 private JWK`);
    }
    const privateKey = createPrivateKey({
      key: { kty: 'OKP', crv: 'Ed25519', d: jwk.d, x: jwk.x },
      format: 'jwk',
    });
    const publicKey = createPublicKey(privateKey);
    if (publicKey.export({ format: 'jwk' }).x !== jwk.x)
      throw new Error(`key ${kid}: public part does not match`);
    return { kid, kind, status, createdAt, privateKey, publicKey, publicJwk: publicJwkOf(publicKey, kid) };
  }
  const bytes = jwk.kty === 'oct' && typeof jwk.k === 'string' ? Buffer.from(jwk.k, 'base64url') : undefined;
  if (bytes?.length !== SECRET_KEY_BYTES) throw new Error(`key ${kid}: ${kind} material must be 32 bytes`);
  return { kid, kind, status, createdAt, secret: createSecretKey(bytes) };
}

/** The stored form of a key (material included): only for writing keyring.json. */
export function exportKey(key: LoadedKey): StoredKey {
  const { kid, kind, status, createdAt } = key;
  if (key.kind === 'signing') {
    const { kty, crv, x, d } = key.privateKey.export({ format: 'jwk' });
    return { kid, kind, status, createdAt, jwk: { kty, crv, x, d } };
  }
  return { kid, kind, status, createdAt, jwk: { kty: 'oct', k: key.secret.export().toString('base64url') } };
}

function publicJwkOf(publicKey: KeyObject, kid: string): JWK {
  const { kty, crv, x } = publicKey.export({ format: 'jwk' });
  return Object.freeze({ kty, crv, x, kid, alg: 'EdDSA', use: 'sig' });
}
