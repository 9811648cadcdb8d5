/*
 * Pure (no Buffer, no node:crypto): plugins bundle the main entry into their isolate, where the
 * security plugin checks an agent key it registers.
 */

/**
 * The y-coordinates (little-endian, sign bit cleared) of the Ed25519 points of small order —
 * 0, 1, p−1, the two of order 8 — and the non-canonical p and p+1 (libsodium's
 * ge25519_has_small_order list). A public key on one of them is no key: with R the identity
 * and S = 0, a signature verifies for any message whose hash k is a multiple of the point's
 * order (every message, for the identity), and Node imports such keys without complaint.
 */
const SMALL_ORDER_Y = [
  '0000000000000000000000000000000000000000000000000000000000000000',
  '0100000000000000000000000000000000000000000000000000000000000000',
  '26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05',
  'c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a',
  'ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f',
  'edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f',
  'eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f',
].map((hex) => Uint8Array.from(hex.match(/../g) ?? [], (b) => Number.parseInt(b, 16)));

const B64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/** The 32 bytes of a raw key in unpadded base64url (43 characters), or undefined. */
function keyBytes(x: string): Uint8Array | undefined {
  if (x.length !== 43) return undefined;
  const out = new Uint8Array(33); // 43 characters carry 258 bits: the last 2 spill into a 33rd byte
  let acc = 0;
  let bits = 0;
  let n = 0;
  for (const ch of x) {
    const v = B64URL.indexOf(ch);
    if (v < 0) return undefined;
    acc = ((acc << 6) | v) & 0xffff;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[n++] = (acc >> bits) & 0xff;
    }
  }
  return out.subarray(0, 32);
}

/** Whether the 32-byte Ed25519 public key `key` is a point of small order (either sign). */
export function isSmallOrderEd25519(key: Uint8Array): boolean {
  if (key.length !== 32) return false;
  return SMALL_ORDER_Y.some((y) => {
    for (let i = 0; i < 31; i++) if (key[i] !== y[i]) return false;
    return ((key[31] ?? 0) & 0x7f) === y[31];
  });
}

/** The same for a key in its raw base64url form (a JWK's `x`); false for anything not 43 characters of it. */
export function isSmallOrderEd25519X(x: string): boolean {
  const bytes = keyBytes(x);
  return bytes !== undefined && isSmallOrderEd25519(bytes);
}
