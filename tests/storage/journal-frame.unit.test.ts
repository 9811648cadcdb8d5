import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { crc32, crc32Js } from '../../kernel/storage/journal/crc32.js';
import { decodeHeader, encodeFrame, encodePayload, forEachLine } from '../../kernel/storage/journal/frame.js';
import { parseFrames } from './read-store-files.js';

describe('journal frames', () => {
  it('CRC-32 is the standard one, native and JS alike, and chains through a seed', () => {
    expect(crc32(Buffer.from('123456789'))).toBe(0xcbf43926);
    expect(crc32Js(Buffer.from('123456789'))).toBe(0xcbf43926);
    for (let i = 0; i < 20; i++) {
      const a = randomBytes(Math.floor(Math.random() * 3000));
      const b = randomBytes(Math.floor(Math.random() * 300));
      expect(crc32Js(a)).toBe(crc32(a));
      expect(crc32Js(b, crc32Js(a))).toBe(crc32(Buffer.concat([a, b])));
    }
  });

  it('round-trips lines, including multi-byte text, through the documented layout', () => {
    const lines = ['{"a":1}', '{"s":"é ✓ 🚀 \\n"}', '{}'];
    const frame = encodeFrame(2 ** 40 + 5, encodePayload(lines));
    const header = decodeHeader(frame);
    expect(header).toMatchObject({ seq: 2 ** 40 + 5, length: frame.length - 20 });
    const { frames, end } = parseFrames(frame);
    expect(end).toBe(frame.length);
    expect(frames).toEqual([{ seq: 2 ** 40 + 5, lines, bytes: frame.length }]);
    const seen: string[] = [];
    forEachLine(frame.subarray(20), (l) => seen.push(l));
    expect(seen).toEqual(lines);
  });

  it('an empty payload is a valid frame with no lines', () => {
    const frame = encodeFrame(1, encodePayload([]));
    expect(frame.length).toBe(20);
    expect(parseFrames(frame).frames).toEqual([{ seq: 1, lines: [], bytes: 20 }]);
  });

  it('any flipped bit makes the frame fail its check', () => {
    const frame = encodeFrame(3, encodePayload(['{"set":"c","record":{"id":"x"}}']));
    for (let i = 4; i < frame.length; i += 3) {
      const bad = Buffer.from(frame);
      bad[i] = bad[i]! ^ 0x10;
      expect(parseFrames(bad).frames, `byte ${i}`).toEqual([]);
    }
  });
});
