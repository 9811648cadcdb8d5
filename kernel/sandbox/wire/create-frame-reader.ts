import { FRAME_HEADER_BYTES, type Frame } from './frame-type.js';

/** Options of {@link createFrameReader}. */
export interface FrameReaderOptions {
  /** Largest frame accepted (bytes, header included); a larger one is a protocol violation. */
  maxFrameBytes: number;
  onFrame: (frame: Frame) => void;
  /** Called once on a malformed or oversized frame; the reader then drops everything. */
  onViolation: (reason: string) => void;
}

const u32 = (b: Buffer, at: number): number =>
  ((b[at]! << 24) | (b[at + 1]! << 16) | (b[at + 2]! << 8) | b[at + 3]!) >>> 0;

/**
 * Splits a byte stream into frames. Frames that lie whole inside a chunk (the usual case: a
 * peer's turn arrives as one read) are decoded where they lie, only the body is a view; the
 * rest of a chunk waits in a list that is joined once per frame, so a large frame arriving in
 * many chunks is copied once. The length is checked before any body byte is buffered past
 * the limit.
 */
export function createFrameReader(opts: FrameReaderOptions): (chunk: Buffer) => void {
  const { maxFrameBytes, onFrame, onViolation } = opts;
  let chunks: Buffer[] = [];
  let buffered = 0;
  let broken = false;

  const violation = (reason: string): void => {
    broken = true;
    chunks = [];
    buffered = 0;
    onViolation(reason);
  };

  /** Decodes the frames lying whole in `b` from `at`; returns where the first incomplete one starts (or -1 after a violation). */
  const decode = (b: Buffer, at: number): number => {
    while (b.length - at >= 4) {
      const len = u32(b, at);
      if (len + 4 > maxFrameBytes || len < FRAME_HEADER_BYTES - 4) {
        violation(`frame of ${len + 4} bytes (limit ${maxFrameBytes})`);
        return -1;
      }
      const end = at + 4 + len;
      if (end > b.length) return at;
      const metaLen = (b[at + 13]! << 8) | b[at + 14]!;
      const metaAt = at + FRAME_HEADER_BYTES;
      if (metaAt + metaLen > end) {
        violation('frame meta longer than its frame');
        return -1;
      }
      onFrame({
        type: b[at + 4]!,
        id: u32(b, at + 5),
        aux: u32(b, at + 9),
        meta: metaLen > 0 ? b.toString('utf8', metaAt, metaAt + metaLen) : '',
        body: b.subarray(metaAt + metaLen, end),
      });
      if (broken) return -1;
      at = end;
    }
    return at;
  };

  /** The length a buffered partial frame announces, or -1 while its 4 length bytes are not all here. */
  const announced = (): number => {
    if (buffered < 4) return -1;
    // Joined once when the length arrives split, so later chunks of a large frame read it at once.
    if (chunks[0]!.length < 4) chunks = [Buffer.concat(chunks, buffered)];
    return u32(chunks[0]!, 0);
  };

  return (chunk) => {
    if (broken) return;
    if (buffered === 0) {
      const rest = decode(chunk, 0);
      if (rest < 0 || rest === chunk.length) return;
      chunks = [rest === 0 ? chunk : chunk.subarray(rest)];
      buffered = chunk.length - rest;
      const len = announced();
      if (len >= 0 && (len + 4 > maxFrameBytes || len < FRAME_HEADER_BYTES - 4))
        violation(`frame of ${len + 4} bytes (limit ${maxFrameBytes})`);
      return;
    }
    chunks.push(chunk);
    buffered += chunk.length;
    const len = announced();
    if (len < 0) return;
    if (len + 4 > maxFrameBytes || len < FRAME_HEADER_BYTES - 4) {
      violation(`frame of ${len + 4} bytes (limit ${maxFrameBytes})`);
      return;
    }
    if (buffered < len + 4) return;
    // The partial frame is complete: join once, decode what is whole, keep the tail.
    const joined = Buffer.concat(chunks, buffered);
    chunks = [];
    buffered = 0;
    const rest = decode(joined, 0);
    if (rest < 0 || rest === joined.length) return;
    chunks = [joined.subarray(rest)];
    buffered = joined.length - rest;
    const next = announced();
    if (next >= 0 && (next + 4 > maxFrameBytes || next < FRAME_HEADER_BYTES - 4))
      violation(`frame of ${next + 4} bytes (limit ${maxFrameBytes})`);
  };
}
