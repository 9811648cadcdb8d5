import { createPublicKey, diffieHellman, generateKeyPairSync, hkdfSync, type KeyObject } from 'node:crypto';

/** The two MAC keys of one session: `up` (agent → kernel) and `down` (kernel → agent). */
export interface SessionKeys {
  up: Buffer;
  down: Buffer;
}

/** An ephemeral X25519 key pair: the private key object and the raw public key (base64url). */
export interface EphemeralKey {
  privateKey: KeyObject;
  publicKey: string;
}

/** A fresh X25519 key pair for one handshake. */
export function ephemeralKey(): EphemeralKey {
  const { privateKey, publicKey } = generateKeyPairSync('x25519');
  const raw = publicKey.export({ format: 'jwk' }).x;
  if (typeof raw !== 'string') throw new TypeError('x25519 export');
  return { privateKey, publicKey: raw };
}

/** An X25519 public key from its raw base64url form (32 bytes), or undefined. */
export function x25519PublicKey(raw: string): KeyObject | undefined {
  if (!/^[A-Za-z0-9_-]{43}$/.test(raw)) return undefined;
  try {
    return createPublicKey({ key: { kty: 'OKP', crv: 'X25519', x: raw }, format: 'jwk' });
  } catch {
    return undefined;
  }
}

/**
 * The session keys both sides derive: HKDF-SHA256 over the X25519 shared secret, salted with
 * the challenge nonce (32 bytes). Throws when `peerPublic` is not a valid X25519 key.
 */
export function deriveSessionKeys(own: KeyObject, peerPublic: string, nonce: string): SessionKeys {
  const peer = x25519PublicKey(peerPublic);
  if (!peer) throw new TypeError('invalid X25519 public key');
  const shared = diffieHellman({ privateKey: own, publicKey: peer });
  const okm = Buffer.from(
    hkdfSync('sha256', shared, Buffer.from(nonce, 'base64url'), 'omega-agent-v1 session', 64),
  );
  return { up: okm.subarray(0, 32), down: okm.subarray(32, 64) };
}
