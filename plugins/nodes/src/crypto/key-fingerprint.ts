import { fromBase64url, fromHex, toBase64url } from './base64url.js';
import { sha256 } from './sha256.js';

/** A raw Ed25519 public key in base64url: 32 bytes, 43 characters. */
export const ED25519_KEY = /^[A-Za-z0-9_-]{43}$/;

/**
 * The fingerprint of an agent's identity key: base64url(SHA-256(raw 32 key bytes)), the `fp`
 * an agent announces in its mDNS TXT record. Undefined when `publicKey` is not a raw key.
 */
export function keyFingerprint(publicKey: string): string | undefined {
  if (!ED25519_KEY.test(publicKey)) return undefined;
  const raw = fromBase64url(publicKey);
  return raw?.length === 32 ? toBase64url(sha256(raw)) : undefined;
}

/**
 * A fingerprint as announced, in canonical form (base64url of the 32 digest bytes): base64url
 * and hex (either case, with or without a `sha256:` prefix or colons) are both accepted.
 */
export function canonicalFingerprint(text: string): string | undefined {
  const t = text.trim().replace(/^sha256:/i, '');
  const hex = t.replaceAll(':', '');
  const bytes = /^[0-9a-fA-F]{64}$/.test(hex) ? fromHex(hex) : fromBase64url(t);
  return bytes?.length === 32 ? toBase64url(bytes) : undefined;
}
