import { omegaError } from '../errors/index.js';

const encoder = new TextEncoder();
const BASE64URL = /^[A-Za-z0-9_-]*$/;

/** UTF-8 bytes of a string, or the bytes themselves; anything else is `OMEGA_ERR_VALIDATION`. */
export function toBytes(data: Uint8Array | string, what = 'data'): Uint8Array {
  if (typeof data === 'string') return encoder.encode(data);
  if (data instanceof Uint8Array) return data;
  throw omegaError('OMEGA_ERR_VALIDATION', `${what} must be a string or a Uint8Array.`);
}

/**
 * Bytes of canonical unpadded base64url, else undefined. Buffer's decoder skips junk and
 * ignores stray low bits, so one value would have many spellings; only the canonical one is accepted.
 */
export function decodeBase64url(s: string): Buffer | undefined {
  if (!BASE64URL.test(s)) return undefined;
  const bytes = Buffer.from(s, 'base64url');
  return bytes.toString('base64url') === s ? bytes : undefined;
}
