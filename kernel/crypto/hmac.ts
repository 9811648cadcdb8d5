import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Keyring } from './keyring.js';
import { decodeBase64url, toBytes } from './to-bytes.js';

const MAC_BYTES = 32;

/** HMAC-SHA256 under the active HMAC key, as `<kid>.<base64url mac>`. */
export function hmacSign(keyring: Keyring, data: Uint8Array | string): string {
  const key = keyring.active('hmac');
  return `${key.kid}.${createHmac('sha256', key.secret).update(toBytes(data)).digest('base64url')}`;
}

/**
 * Checks a MAC from {@link hmacSign} with any usable HMAC key (active or verify-only), in
 * constant time. Malformed input, unknown or retired kids give false, never an exception.
 */
export function hmacVerify(keyring: Keyring, data: Uint8Array | string, mac: string): boolean {
  if (typeof mac !== 'string' || (typeof data !== 'string' && !(data instanceof Uint8Array))) return false;
  const dot = mac.indexOf('.');
  if (dot <= 0) return false;
  const key = keyring.find('hmac', mac.slice(0, dot));
  const given = decodeBase64url(mac.slice(dot + 1));
  if (!key || given?.length !== MAC_BYTES) return false;
  const expected = createHmac('sha256', key.secret).update(toBytes(data)).digest();
  return timingSafeEqual(given, expected);
}
