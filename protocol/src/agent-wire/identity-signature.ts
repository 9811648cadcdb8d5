import { createPublicKey, type KeyObject, verify } from 'node:crypto';
import { isSmallOrderEd25519X } from '../crypto/ed25519-small-order.js';

/**
 * An Ed25519 public key from its raw base64url form (32 bytes), or undefined — also for a point
 * of small order, which Node imports but under which anyone can forge a signature.
 */
export function ed25519PublicKey(raw: string): KeyObject | undefined {
  if (!/^[A-Za-z0-9_-]{43}$/.test(raw) || isSmallOrderEd25519X(raw)) return undefined;
  try {
    return createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: raw }, format: 'jwk' });
  } catch {
    return undefined;
  }
}

/** True when `signature` (base64url, 64 bytes) is the Ed25519 signature of `text` by `publicKey` (raw base64url). */
export function verifyEd25519(publicKey: string, text: string, signature: string): boolean {
  const key = ed25519PublicKey(publicKey);
  if (!key || !/^[A-Za-z0-9_-]{86}$/.test(signature)) return false;
  try {
    return verify(null, Buffer.from(text, 'utf8'), key, Buffer.from(signature, 'base64url'));
  } catch {
    return false;
  }
}
