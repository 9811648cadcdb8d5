const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const LOOKUP = new Int16Array(128).fill(-1);
for (let i = 0; i < ALPHABET.length; i++) LOOKUP[ALPHABET.charCodeAt(i)] = i;

/** The alphabet's character codes, and `=`: the encoder writes codes, not one-character strings. */
const CODES = Uint8Array.from(ALPHABET, (c) => c.charCodeAt(0));
const PAD = 61;
/** Characters turned into a string per String.fromCharCode call (well under any engine's argument limit). */
const TEXT_CHUNK = 8192;

/**
 * Standard base64 of `bytes`, padded. Written out because the sandbox has neither Buffer
 * nor btoa. The characters' codes go into one byte array, turned into text a chunk at a time:
 * no string per character (a minute's history batch was ~20 k one-character strings and their
 * concatenations, garbage the isolate collected each minute).
 */
export function bytesToBase64(bytes: Uint8Array): string {
  const n = bytes.length;
  const out = new Uint8Array(Math.ceil(n / 3) * 4);
  let o = 0;
  let i = 0;
  for (; i + 2 < n; i += 3) {
    const v = (bytes[i]! << 16) | (bytes[i + 1]! << 8) | bytes[i + 2]!;
    out[o] = CODES[(v >> 18) & 63]!;
    out[o + 1] = CODES[(v >> 12) & 63]!;
    out[o + 2] = CODES[(v >> 6) & 63]!;
    out[o + 3] = CODES[v & 63]!;
    o += 4;
  }
  if (i < n) {
    const two = i + 1 < n;
    const v = (bytes[i]! << 16) | (two ? bytes[i + 1]! << 8 : 0);
    out[o] = CODES[(v >> 18) & 63]!;
    out[o + 1] = CODES[(v >> 12) & 63]!;
    out[o + 2] = two ? CODES[(v >> 6) & 63]! : PAD;
    out[o + 3] = PAD;
  }
  return asciiText(out);
}

/** The string whose character codes are `codes` (all below 128). */
function asciiText(codes: Uint8Array): string {
  if (codes.length <= TEXT_CHUNK) return String.fromCharCode.apply(null, codes as unknown as number[]);
  const parts: string[] = [];
  for (let s = 0; s < codes.length; s += TEXT_CHUNK) {
    parts.push(String.fromCharCode.apply(null, codes.subarray(s, s + TEXT_CHUNK) as unknown as number[]));
  }
  return parts.join('');
}

/** Decodes standard base64 (padding optional); null when a character is not base64. */
export function base64ToBytes(text: string): Uint8Array | null {
  let end = text.length;
  while (end > 0 && text.charCodeAt(end - 1) === 61) end--;
  if (end % 4 === 1) return null;
  const out = new Uint8Array(Math.floor((end * 3) / 4));
  let o = 0;
  let acc = 0;
  let bits = 0;
  for (let i = 0; i < end; i++) {
    const c = text.charCodeAt(i);
    const v = c < 128 ? (LOOKUP[c] ?? -1) : -1;
    if (v < 0) return null;
    acc = (acc << 6) | v;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[o++] = (acc >> bits) & 0xff;
    }
  }
  return out;
}

/** Base64 of a Float32Array's bytes (platform byte order: little-endian on every supported CPU). */
export function encodeFloat32(values: Float32Array): string {
  return bytesToBase64(new Uint8Array(values.buffer, values.byteOffset, values.byteLength));
}

/** The Float32Array that {@link encodeFloat32} wrote; null when malformed. */
export function decodeFloat32(text: string): Float32Array | null {
  const bytes = base64ToBytes(text);
  if (!bytes || bytes.length % 4 !== 0) return null;
  return new Float32Array(bytes.buffer, bytes.byteOffset, bytes.length / 4);
}
