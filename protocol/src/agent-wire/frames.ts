import { createHmac, timingSafeEqual } from 'node:crypto';

/** Bytes of the truncated HMAC-SHA256 in front of every frame. */
export const FRAME_MAC_BYTES = 16;
const HEAD = FRAME_MAC_BYTES + 8;

function mac(key: Buffer, seq: bigint, body: Buffer): Buffer {
  const h = createHmac('sha256', key);
  const s = Buffer.allocUnsafe(8);
  s.writeBigUInt64BE(seq);
  h.update(s);
  h.update(body);
  return h.digest().subarray(0, FRAME_MAC_BYTES);
}

/** `[MAC 16][sequence 8, big-endian][UTF-8 JSON]`, MAC = HMAC-SHA256(key, sequence ‖ json) truncated. */
export function encodeFrame(key: Buffer, seq: number, json: string): Buffer {
  const body = Buffer.from(json, 'utf8');
  const out = Buffer.allocUnsafe(HEAD + body.length);
  const s = BigInt(seq);
  mac(key, s, body).copy(out, 0);
  out.writeBigUInt64BE(s, FRAME_MAC_BYTES);
  body.copy(out, HEAD);
  return out;
}

/** Why a frame was refused. */
export type FrameError = 'short' | 'mac' | 'sequence';

/**
 * Checks a frame: its MAC under `key`, and that its sequence is exactly `expected`. Answers
 * the JSON text, or why it was refused (the caller closes the session on any refusal).
 */
export function decodeFrame(
  key: Buffer,
  expected: number,
  frame: Buffer,
): { json: string } | { error: FrameError } {
  if (frame.length < HEAD) return { error: 'short' };
  const seq = frame.readBigUInt64BE(FRAME_MAC_BYTES);
  const body = frame.subarray(HEAD);
  const want = mac(key, seq, body);
  if (!timingSafeEqual(want, frame.subarray(0, FRAME_MAC_BYTES))) return { error: 'mac' };
  if (seq !== BigInt(expected)) return { error: 'sequence' };
  return { json: body.toString('utf8') };
}
