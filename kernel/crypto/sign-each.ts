import { sign } from 'node:crypto';
import type { Keyring } from './keyring.js';

/** One detached Ed25519 signature: the key id, the raw public key and the raw signature (base64url). */
export interface DetachedSignature {
  kid: string;
  publicKey: string;
  sig: string;
}

/**
 * Signs `text` (UTF-8) with every usable signing key, active first: a peer that pinned any of
 * them (an agent that joined before a rotation) can still verify the kernel.
 */
export function signEach(keyring: Keyring, text: string): DetachedSignature[] {
  const data = Buffer.from(text, 'utf8');
  return keyring.all('signing').map((k) => ({
    kid: k.kid,
    publicKey: String(k.publicJwk.x),
    sig: sign(null, data, k.privateKey).toString('base64url'),
  }));
}
