import { Socket } from 'node:net';
import type { Writable } from 'node:stream';
import { FRAME_HEADER_BYTES } from './frame-type.js';

/** Byte offset of `aux` in an encoded frame (after u32 length, u8 type, u32 id). */
const AUX_OFFSET = 9;
/** Smallest buffer a turn's frames are written into. */
const MIN_TURN_BYTES = 16 * 1024;
/** A turn buffer larger than this is not kept after its write: one large turn does not stay resident. */
const MAX_KEPT_TURN_BYTES = 64 * 1024;
/**
 * Strings up to this many UTF-16 units get a worst-case reservation (3 bytes each) and are
 * written without being measured first; longer ones are measured (Buffer.byteLength), so a
 * large body never reserves three times its size.
 */
const RESERVE_UP_TO = 16 * 1024;

/** Sends frames; every frame queued within one event-loop turn goes out in one write. */
export interface FrameWriter {
  send(type: number, id: number, aux: number, meta: string, body: string): void;
  /** Writes what is queued now (used before exit, and by a host reporting progress mid-turn). */
  flush(): void;
  /** Bytes queued and not yet handed to the stream. */
  queuedBytes(): number;
}

/** Options of {@link createFrameWriter}. */
export interface FrameWriterOptions {
  /**
   * Called once per write; its value replaces the `aux` of the write's last frame (the plugin
   * host stamps its count of finished entries there, as of the moment the bytes leave).
   */
  stamp?: () => number;
}

const putU32 = (buf: Buffer, at: number, v: number): void => {
  buf[at] = v >>> 24;
  buf[at + 1] = v >>> 16;
  buf[at + 2] = v >>> 8;
  buf[at + 3] = v;
};

/** Bytes `s` may take in UTF-8 (exact above RESERVE_UP_TO, an upper bound below). */
const room = (s: string): number =>
  s.length === 0 ? 0 : s.length > RESERVE_UP_TO ? Buffer.byteLength(s) : s.length * 3;

/**
 * Coalesces writes: the first frame of a turn schedules one `setImmediate` flush, later
 * frames of the same turn join it (measured: batching matters more than the transport).
 * Frames are encoded straight into one buffer per turn (the frame format of encodeFrame): no
 * buffer per frame, no concatenation at the flush, strings written without being measured
 * first. On a socket whose last write left at once (nothing queued in the stream), the
 * next turn reuses that buffer; a write that has to wait keeps its buffer and the next turn
 * takes a new one, and a turn written while earlier bytes still wait is copied out at its
 * exact size, so a stalled peer never holds more than one part-used buffer.
 * Writes to a destroyed stream are dropped; stream errors are the owner's to handle.
 */
export function createFrameWriter(stream: Writable, opts: FrameWriterOptions = {}): FrameWriter {
  const stamp = opts.stamp;
  // Only a socket is known to be done with a chunk once its write returns with nothing queued;
  // another Writable (a test's PassThrough) may hold on to the chunk, so it gets a fresh buffer.
  const reusable = stream instanceof Socket;
  let buf: Buffer | undefined;
  let used = 0;
  let last = -1;
  let scheduled = false;

  const reserve = (need: number): Buffer => {
    if (buf && need <= buf.length) return buf;
    const next = Buffer.allocUnsafe(Math.max(MIN_TURN_BYTES, need, buf ? buf.length * 2 : 0));
    if (buf && used > 0) buf.copy(next, 0, 0, used);
    buf = next;
    return next;
  };

  const flush = (): void => {
    scheduled = false;
    if (used === 0 || !buf) return;
    if (stamp) putU32(buf, last + AUX_OFFSET, stamp() >>> 0);
    const full = buf;
    const bytes = used;
    used = 0;
    last = -1;
    if (stream.destroyed || !stream.writable) return;
    if (reusable && stream.writableLength > 0) {
      // Earlier bytes still wait: this turn's waits behind them, at its own size.
      stream.write(Buffer.from(full.subarray(0, bytes)));
      return;
    }
    stream.write(full.subarray(0, bytes));
    if (!reusable || stream.writableLength > 0 || full.length > MAX_KEPT_TURN_BYTES) buf = undefined;
  };

  return {
    send(type, id, aux, meta, body) {
      const at = used;
      const b = reserve(at + FRAME_HEADER_BYTES + room(meta) + room(body));
      const metaLen = meta.length === 0 ? 0 : b.write(meta, at + FRAME_HEADER_BYTES, 'utf8');
      // Nothing is committed until `used` moves: a refused frame leaves the turn as it was.
      if (metaLen > 0xffff) throw new RangeError('frame meta longer than 65535 bytes');
      const bodyAt = at + FRAME_HEADER_BYTES + metaLen;
      const bodyLen = body.length === 0 ? 0 : b.write(body, bodyAt, 'utf8');
      const end = bodyAt + bodyLen;
      putU32(b, at, end - at - 4);
      b[at + 4] = type;
      putU32(b, at + 5, id >>> 0);
      putU32(b, at + AUX_OFFSET, aux >>> 0);
      b[at + 13] = metaLen >>> 8;
      b[at + 14] = metaLen;
      used = end;
      last = at;
      if (!scheduled) {
        scheduled = true;
        setImmediate(flush);
      }
    },
    flush,
    queuedBytes: () => used,
  };
}
