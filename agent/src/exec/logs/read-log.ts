import { open } from 'node:fs/promises';
import { type LogSegment, listSegments, retainedRange } from './log-segments.js';

/** Most bytes one read returns (callers page with `nextOffset`). */
export const MAX_READ_BYTES = 16 * 1024 * 1024;

/** A slice of a stream: exact bytes, never re-encoded (invalid UTF-8 stays as it was written). */
export interface LogChunk {
  /** Offset of `data[0]` in the stream (later than asked when older bytes were rotated away). */
  offset: number;
  data: Buffer;
  /** Where to continue. */
  nextOffset: number;
  /** Bytes between the asked offset and `offset` that are no longer retained. */
  skippedBytes: number;
  /** Oldest retained offset and bytes written so far. */
  startOffset: number;
  endOffset: number;
}

async function readSegment(seg: LogSegment, from: number, length: number): Promise<Buffer | null> {
  let fh: Awaited<ReturnType<typeof open>>;
  try {
    fh = await open(seg.path, 'r');
  } catch {
    return null; // rotated away meanwhile
  }
  try {
    const buf = Buffer.allocUnsafe(length);
    let got = 0;
    while (got < length) {
      const { bytesRead } = await fh.read(buf, got, length - got, from - seg.start + got);
      if (bytesRead === 0) break;
      got += bytesRead;
    }
    return buf.subarray(0, got);
  } finally {
    await fh.close();
  }
}

/** Reads up to `limit` bytes of a stream from `offset`, across segments. */
export async function readLog(dir: string, offset: number, limit: number): Promise<LogChunk> {
  for (let attempt = 0; ; attempt++) {
    const segs = await listSegments(dir);
    const range = retainedRange(segs);
    const first = segs.findIndex((s) => s.end > offset);
    if (first < 0) {
      const at = Math.max(offset, range.start);
      return {
        offset: at,
        data: Buffer.alloc(0),
        nextOffset: at,
        skippedBytes: at - offset,
        startOffset: range.start,
        endOffset: range.end,
      };
    }
    const start = Math.max(offset, segs[first]!.start);
    const parts: Buffer[] = [];
    let pos = start;
    let vanished = false;
    for (let i = first; i < segs.length && pos - start < limit; i++) {
      const seg = segs[i]!;
      if (seg.start > pos) break; // a gap: the caller's next read skips it
      const part = await readSegment(seg, pos, Math.min(seg.end - pos, limit - (pos - start)));
      if (part === null) {
        vanished = true;
        break;
      }
      parts.push(part);
      pos += part.length;
      if (pos < seg.end) break; // short read: the file is shorter than listed
    }
    if (vanished && pos === start && attempt < 3) continue;
    return {
      offset: start,
      data: Buffer.concat(parts),
      nextOffset: pos,
      skippedBytes: start - offset,
      startOffset: range.start,
      endOffset: range.end,
    };
  }
}
