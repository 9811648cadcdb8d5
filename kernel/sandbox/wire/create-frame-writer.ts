import type { Writable } from 'node:stream';
import { encodeFrame } from './encode-frame.js';

/** Byte offset of `aux` in an encoded frame (after u32 length, u8 type, u32 id). */
const AUX_OFFSET = 9;

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

/**
 * Coalesces writes: the first frame of a turn schedules one `setImmediate` flush, later
 * frames of the same turn join it (measured: batching matters more than the transport).
 * Writes to a destroyed stream are dropped; stream errors are the owner's to handle.
 */
export function createFrameWriter(stream: Writable, opts: FrameWriterOptions = {}): FrameWriter {
  const stamp = opts.stamp;
  let queue: Buffer[] = [];
  let bytes = 0;
  let scheduled = false;

  const flush = (): void => {
    scheduled = false;
    if (queue.length === 0) return;
    if (stamp) queue[queue.length - 1]!.writeUInt32BE(stamp() >>> 0, AUX_OFFSET);
    const out = queue.length === 1 ? queue[0]! : Buffer.concat(queue, bytes);
    queue = [];
    bytes = 0;
    if (!stream.destroyed && stream.writable) stream.write(out);
  };

  return {
    send(type, id, aux, meta, body) {
      const buf = encodeFrame(type, id, aux, meta, body);
      queue.push(buf);
      bytes += buf.length;
      if (!scheduled) {
        scheduled = true;
        setImmediate(flush);
      }
    },
    flush,
    queuedBytes: () => bytes,
  };
}
