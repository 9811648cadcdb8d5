import { crc32 } from './crc32.js';

/**
 * One journal frame: a 20-byte header, then the payload.
 *
 * | bytes  | field                                                        |
 * |--------|--------------------------------------------------------------|
 * | 0–3    | magic `FE 4F 4A 31` (`\xFE` never occurs in UTF-8 text)       |
 * | 4–7    | payload length, u32 little-endian                            |
 * | 8–15   | frame sequence number, u64 little-endian (< 2^53)            |
 * | 16–19  | CRC-32 of bytes 4–15 and the payload, u32 little-endian      |
 *
 * The payload is UTF-8 text: one JSON document per line (`\n`-separated). A frame is the
 * unit of atomicity: it is applied whole or, when its checksum fails, not at all.
 */
export const FRAME_MAGIC = Buffer.from([0xfe, 0x4f, 0x4a, 0x31]);
/** Size of a frame header in bytes. */
export const FRAME_HEADER_BYTES = 20;
/** Largest payload a frame may carry; a header claiming more is damage, not data. */
export const MAX_FRAME_PAYLOAD = 1 << 30;

const NEWLINE = Buffer.from('\n');
/** Lines are joined into strings of about this many characters before encoding (far below V8's string limit). */
const JOIN_CHARS = 8 * 1024 * 1024;

/** Encodes `lines` (each one JSON document without a raw newline) as the payload of one frame. */
export function encodePayload(lines: readonly string[]): Buffer[] {
  const pieces: Buffer[] = [];
  let group: string[] = [];
  let chars = 0;
  for (const line of lines) {
    group.push(line);
    chars += line.length;
    if (chars >= JOIN_CHARS) {
      if (pieces.length > 0) pieces.push(NEWLINE);
      pieces.push(Buffer.from(group.join('\n'), 'utf8'));
      group = [];
      chars = 0;
    }
  }
  if (group.length > 0) {
    if (pieces.length > 0) pieces.push(NEWLINE);
    pieces.push(Buffer.from(group.join('\n'), 'utf8'));
  }
  return pieces;
}

/** Builds one frame (header + payload) as a single buffer, ready for one write. */
export function encodeFrame(seq: number, payload: readonly Buffer[]): Buffer {
  let length = 0;
  for (const p of payload) length += p.length;
  if (length > MAX_FRAME_PAYLOAD)
    throw new RangeError(`journal frame payload of ${length} bytes is too large`);
  const frame = Buffer.allocUnsafe(FRAME_HEADER_BYTES + length);
  FRAME_MAGIC.copy(frame, 0);
  frame.writeUInt32LE(length, 4);
  frame.writeUInt32LE(seq % 0x1_0000_0000, 8);
  frame.writeUInt32LE(Math.floor(seq / 0x1_0000_0000), 12);
  let at = FRAME_HEADER_BYTES;
  for (const p of payload) {
    p.copy(frame, at);
    at += p.length;
  }
  frame.writeUInt32LE(crc32(frame.subarray(FRAME_HEADER_BYTES), crc32(frame.subarray(4, 16))), 16);
  return frame;
}

/** What a header says; `checksum` is what the payload must hash to. */
export interface FrameHeader {
  length: number;
  seq: number;
  checksum: number;
}

/** Reads a header at the start of `bytes` (≥ {@link FRAME_HEADER_BYTES}); a reason string when it is not one. */
export function decodeHeader(bytes: Buffer): FrameHeader | string {
  if (bytes.compare(FRAME_MAGIC, 0, 4, 0, 4) !== 0) return 'no frame marker';
  const length = bytes.readUInt32LE(4);
  if (length > MAX_FRAME_PAYLOAD) return `implausible length ${length}`;
  const seq = bytes.readUInt32LE(8) + bytes.readUInt32LE(12) * 0x1_0000_0000;
  return { length, seq, checksum: bytes.readUInt32LE(16) };
}

/** True when `payload` hashes to what `header` (the frame's first 20 bytes) says. */
export function checksumMatches(header: Buffer, payload: Buffer): boolean {
  return crc32(payload, crc32(header.subarray(4, 16))) === header.readUInt32LE(16);
}

/** Calls `visit` with each line of a frame payload (one JSON document each), decoded one at a time. */
export function forEachLine(payload: Buffer, visit: (line: string, index: number) => void): void {
  if (payload.length === 0) return;
  let start = 0;
  for (let i = 0; ; i++) {
    const nl = payload.indexOf(0x0a, start);
    const end = nl === -1 ? payload.length : nl;
    visit(payload.toString('utf8', start, end), i);
    if (nl === -1) return;
    start = nl + 1;
  }
}
