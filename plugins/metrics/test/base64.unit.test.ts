import { describe, expect, it } from 'vitest';
import { base64ToBytes, bytesToBase64, decodeFloat32, encodeFloat32 } from '../src/persist/base64.js';

/** Deterministic bytes (a small LCG), so a failure names the same input every run. */
function bytesOf(length: number, seed: number): Uint8Array {
  const out = new Uint8Array(length);
  let x = seed >>> 0;
  for (let i = 0; i < length; i++) {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    out[i] = x >>> 24;
  }
  return out;
}

describe('bytesToBase64', () => {
  it("writes what Node's base64 writes, padding included, for every length up to 64", () => {
    for (let n = 0; n <= 64; n++) {
      const bytes = bytesOf(n, n + 1);
      expect(bytesToBase64(bytes), `length ${n}`).toBe(Buffer.from(bytes).toString('base64'));
    }
  });

  it('encodes inputs longer than one text chunk (a minute of history) whole', () => {
    for (const n of [6144, 6145, 6146, 24_576, 100_003]) {
      const bytes = bytesOf(n, n);
      expect(bytesToBase64(bytes), `length ${n}`).toBe(Buffer.from(bytes).toString('base64'));
    }
  });

  it('round-trips through base64ToBytes, and Float32 values through encodeFloat32', () => {
    const bytes = bytesOf(1001, 7);
    expect(base64ToBytes(bytesToBase64(bytes))).toEqual(bytes);
    const floats = Float32Array.from({ length: 180 }, (_, i) => (i % 7 === 0 ? Number.NaN : i / 3));
    expect(decodeFloat32(encodeFloat32(floats))).toEqual(floats);
  });

  it('encodes a view into a larger buffer from its own offset', () => {
    const all = bytesOf(40, 3);
    const view = all.subarray(5, 22);
    expect(bytesToBase64(view)).toBe(Buffer.from(view).toString('base64'));
  });
});
