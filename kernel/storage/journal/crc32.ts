import * as zlib from 'node:zlib';

let table: Uint32Array | undefined;

function makeTable(): Uint32Array {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
}

/** CRC-32 (IEEE 802.3, the zlib/PNG one) in plain JS: for Node versions without `zlib.crc32`. */
export function crc32Js(data: Uint8Array, seed = 0): number {
  table ??= makeTable();
  let c = ~seed >>> 0;
  for (let i = 0; i < data.length; i++) c = table[(c ^ data[i]!) & 0xff]! ^ (c >>> 8);
  return ~c >>> 0;
}

const native = (zlib as { crc32?: (data: Uint8Array, value?: number) => number }).crc32;

/**
 * CRC-32 of `data`, continuing from `seed` (the CRC of the bytes before it). Uses zlib's
 * native one where Node has it (20.15+, 22.2+) and the identical JS one elsewhere.
 */
export const crc32: (data: Uint8Array, seed?: number) => number = native
  ? (data, seed = 0) => native(data, seed) >>> 0
  : crc32Js;
