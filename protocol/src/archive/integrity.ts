import { createHash, timingSafeEqual } from 'node:crypto';

const PREFIX = 'sha512-';

/** The manifest `integrity` of a bundle: `sha512-<base64 of its SHA-512>`. */
export function computeIntegrity(bundle: Uint8Array): string {
  return PREFIX + createHash('sha512').update(bundle).digest('base64');
}

/**
 * True when `bundle` hashes to `integrity` (`sha512-<base64>`). Compares the digests in
 * constant time; a malformed `integrity` is simply false.
 */
export function verifyIntegrity(bundle: Uint8Array, integrity: string): boolean {
  if (typeof integrity !== 'string' || !integrity.startsWith(PREFIX)) return false;
  const expected = Buffer.from(integrity.slice(PREFIX.length), 'base64');
  const actual = createHash('sha512').update(bundle).digest();
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}
