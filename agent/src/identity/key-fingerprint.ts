import { createHash } from 'node:crypto';

/**
 * The fingerprint of an Ed25519 identity key: base64url(SHA-256(raw 32-byte public key)), 43
 * characters. Advertised as TXT `fp` in discovery and printed at start, so an operator can
 * compare what the kernel lists as pending with what the machine says.
 */
export function keyFingerprint(publicKey: string): string {
  return createHash('sha256').update(Buffer.from(publicKey, 'base64url')).digest('base64url');
}
