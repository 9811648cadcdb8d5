import { FRAME_HEADER_BYTES, type Frame } from './frame-type.js';

/** Options of {@link createFrameReader}. */
export interface FrameReaderOptions {
  /** Largest frame accepted (bytes, header included); a larger one is a protocol violation. */
  maxFrameBytes: number;
  onFrame: (frame: Frame) => void;
  /** Called once on a malformed or oversized frame; the reader then drops everything. */
  onViolation: (reason: string) => void;
}

/**
 * Splits a byte stream into frames. Chunks are kept in a list and joined once per frame, so
 * a large frame arriving in many chunks is copied once; the length is checked before any
 * body byte is buffered past the limit.
 */
export function createFrameReader(opts: FrameReaderOptions): (chunk: Buffer) => void {
  let chunks: Buffer[] = [];
  let buffered = 0;
  let need = -1;
  let broken = false;

  const take = (n: number): Buffer => {
    const first = chunks[0]!;
    if (first.length >= n) {
      const out = first.subarray(0, n);
      if (first.length === n) chunks.shift();
      else chunks[0] = first.subarray(n);
      buffered -= n;
      return out;
    }
    const joined = Buffer.concat(chunks, buffered);
    const out = joined.subarray(0, n);
    chunks = joined.length > n ? [joined.subarray(n)] : [];
    buffered -= n;
    return out;
  };

  return (chunk) => {
    if (broken) return;
    chunks.push(chunk);
    buffered += chunk.length;
    for (;;) {
      if (need < 0) {
        if (buffered < 4) return;
        const len = take(4).readUInt32BE(0);
        if (len + 4 > opts.maxFrameBytes || len < FRAME_HEADER_BYTES - 4) {
          broken = true;
          chunks = [];
          opts.onViolation(`frame of ${len + 4} bytes (limit ${opts.maxFrameBytes})`);
          return;
        }
        need = len;
      }
      if (buffered < need) return;
      const f = take(need);
      need = -1;
      const metaLen = f.readUInt16BE(9);
      if (11 + metaLen > f.length) {
        broken = true;
        chunks = [];
        opts.onViolation('frame meta longer than its frame');
        return;
      }
      opts.onFrame({
        type: f.readUInt8(0),
        id: f.readUInt32BE(1),
        aux: f.readUInt32BE(5),
        meta: metaLen > 0 ? f.toString('utf8', 11, 11 + metaLen) : '',
        body: f.subarray(11 + metaLen),
      });
    }
  };
}
