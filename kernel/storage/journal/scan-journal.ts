import type { FileHandle } from 'node:fs/promises';
import { open } from 'node:fs/promises';
import { corruptFile } from '../storage-errors.js';
import { checksumMatches, decodeHeader, FRAME_HEADER_BYTES, FRAME_MAGIC } from './frame.js';

/** One valid frame; `payload` is only valid during the callback (its buffer is reused). */
export interface ScannedFrame {
  seq: number;
  payload: Buffer;
  /** File offset of the frame's header, and just past its payload. */
  offset: number;
  end: number;
}

/** What a scan found: valid frames up to `end`, then possibly a torn tail. */
export interface ScanResult {
  frames: number;
  /** Offset just past the last valid frame (where the next append goes). */
  end: number;
  /** File size when scanned. */
  size: number;
  /** Bytes after `end` that form no valid frame and are followed by none: a crash's unfinished append. */
  torn: { offset: number; bytes: number; reason: string } | null;
  /** Bytes after `end` that are all zero: space preallocated for appends (not damage), or 0. */
  zeroTail: number;
}

const BLOCK = 1024 * 1024;

/** Positional reads through one block-sized buffer. */
class BlockReader {
  #buf = Buffer.alloc(0);
  #start = 0;

  constructor(
    private readonly fh: FileHandle,
    readonly size: number,
  ) {}

  /** Bytes [at, at + n) of the file, or null when the file ends first. Valid until the next call. */
  async read(at: number, n: number): Promise<Buffer | null> {
    if (at + n > this.size) return null;
    const off = at - this.#start;
    if (off >= 0 && off + n <= this.#buf.length) return this.#buf.subarray(off, off + n);
    const take = Math.min(Math.max(n, BLOCK), this.size - at);
    const buf = Buffer.allocUnsafe(take);
    let got = 0;
    while (got < take) {
      const { bytesRead } = await this.fh.read(buf, got, take - got, at + got);
      if (bytesRead === 0) return null; // shrank under us
      got += bytesRead;
    }
    this.#buf = buf;
    this.#start = at;
    return buf.subarray(0, n);
  }
}

type Checked = { seq: number; payload: Buffer; end: number } | { reason: string };

async function checkFrame(r: BlockReader, at: number): Promise<Checked> {
  const head = await r.read(at, FRAME_HEADER_BYTES);
  if (!head) return { reason: 'incomplete frame header' };
  const h = decodeHeader(head);
  if (typeof h === 'string') return { reason: h };
  const headCopy = Buffer.from(head);
  const payload = await r.read(at + FRAME_HEADER_BYTES, h.length);
  if (!payload) return { reason: 'incomplete frame' };
  if (!checksumMatches(headCopy, payload)) return { reason: 'checksum mismatch' };
  return { seq: h.seq, payload, end: at + FRAME_HEADER_BYTES + h.length };
}

/** Offset of the first valid frame at or after `from`, or -1. */
async function nextValidFrame(fh: FileHandle, size: number, from: number): Promise<number> {
  const probe = new BlockReader(fh, size);
  const block = new BlockReader(fh, size);
  for (let at = from; at < size; ) {
    const n = Math.min(BLOCK, size - at);
    const bytes = await block.read(at, n);
    if (!bytes) return -1;
    for (let i = bytes.indexOf(FRAME_MAGIC); i !== -1; i = bytes.indexOf(FRAME_MAGIC, i + 1)) {
      if ('seq' in (await checkFrame(probe, at + i))) return at + i;
    }
    // Step back a little, so a marker split across two blocks is still seen.
    at += n >= FRAME_MAGIC.length ? n - (FRAME_MAGIC.length - 1) : n;
    if (n < BLOCK) break;
  }
  return -1;
}

/** True when bytes [from, size) of the file are all zero. */
async function allZero(fh: FileHandle, size: number, from: number): Promise<boolean> {
  const block = new BlockReader(fh, size);
  for (let at = from; at < size; ) {
    const n = Math.min(BLOCK, size - at);
    const bytes = await block.read(at, n);
    if (!bytes) return false;
    for (let i = 0; i < n; i++) if (bytes[i] !== 0) return false;
    at += n;
  }
  return true;
}

/**
 * Reads every frame of a journal file in order, calling `onFrame` for each valid one.
 * Where the frames end, the rest of the file may be all zeros: space preallocated for
 * appends ({@link JournalFile}), reported as `zeroTail`. Any other damaged frame with no
 * valid frame after it is a torn tail (a crash's unfinished append): reported, not thrown.
 * A damaged frame followed by a valid one is corruption in the middle:
 * OMEGA_ERR_STORAGE_CORRUPT naming the file and offset. Never writes.
 */
export async function scanJournal(file: string, onFrame: (frame: ScannedFrame) => void): Promise<ScanResult> {
  const fh = await open(file, 'r');
  try {
    const size = (await fh.stat()).size;
    const reader = new BlockReader(fh, size);
    let at = 0;
    let frames = 0;
    while (at < size) {
      const c = await checkFrame(reader, at);
      if ('reason' in c) {
        if (await allZero(fh, size, at)) return { frames, end: at, size, torn: null, zeroTail: size - at };
        const next = await nextValidFrame(fh, size, at + 1);
        if (next !== -1) {
          throw corruptFile(
            file,
            `damaged journal frame at byte ${at} (${c.reason}) with valid frames after it, at byte ${next}`,
          );
        }
        return {
          frames,
          end: at,
          size,
          torn: { offset: at, bytes: size - at, reason: c.reason },
          zeroTail: 0,
        };
      }
      onFrame({ seq: c.seq, payload: c.payload, offset: at, end: c.end });
      frames++;
      at = c.end;
    }
    return { frames, end: at, size, torn: null, zeroTail: 0 };
  } finally {
    await fh.close();
  }
}
