import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { omegaError } from '@omega/protocol';
import { calculateJwkThumbprint } from 'jose';
import type { PublicKey } from './metadata-schemas.js';

/** An Ed25519 private key as stored in a key file (a JWK with `d`). */
export interface PrivateKeyJwk {
  kty: 'OKP';
  crv: 'Ed25519';
  x: string;
  d: string;
}

/** A loaded signing key: its id (RFC 7638 thumbprint), private key object and public JWK. */
export interface SigningKey {
  kid: string;
  privateKey: KeyObject;
  publicJwk: PublicKey;
}

/** The key id of a public key: its RFC 7638 JWK thumbprint (SHA-256, base64url). */
export function keyIdOf(jwk: PublicKey): Promise<string> {
  return calculateJwkThumbprint({ kty: jwk.kty, crv: jwk.crv, x: jwk.x }, 'sha256');
}

/** Makes a new Ed25519 key pair in key-file form. */
export function generatePrivateJwk(): PrivateKeyJwk {
  const { privateKey } = generateKeyPairSync('ed25519');
  const { x, d } = privateKey.export({ format: 'jwk' });
  return { kty: 'OKP', crv: 'Ed25519', x: x as string, d: d as string };
}

/** Loads a private JWK (checked: Ed25519, public part matches) as a signing key. */
export async function loadSigningKey(jwk: unknown, file = 'key'): Promise<SigningKey> {
  const j = (jwk ?? {}) as Partial<PrivateKeyJwk>;
  if (j.kty !== 'OKP' || j.crv !== 'Ed25519' || typeof j.d !== 'string' || typeof j.x !== 'string') {
    throw omegaError(
      'OMEGA_ERR_VALIDATION',
      `${file} is not an Ed25519 private JWK (kty OKP, crv Ed25519, x, d).`,
      {
        file,
      },
    );
  }
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey({ key: { kty: 'OKP', crv: 'Ed25519', x: j.x, d: j.d }, format: 'jwk' });
  } catch {
    throw omegaError('OMEGA_ERR_VALIDATION', `${file} holds unusable key material.`, { file });
  }
  const x = createPublicKey(privateKey).export({ format: 'jwk' }).x as string;
  if (x !== j.x)
    throw omegaError('OMEGA_ERR_VALIDATION', `${file}: public part "x" does not match "d".`, { file });
  const publicJwk: PublicKey = { kty: 'OKP', crv: 'Ed25519', x };
  return { kid: await keyIdOf(publicJwk), privateKey, publicJwk };
}
