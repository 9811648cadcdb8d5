import { constants } from 'node:fs';
import { type FileHandle, open, unlink } from 'node:fs/promises';
import { dirname } from 'node:path';
import { syncDir } from '../durable-file.js';

/**
 * Opened with O_DSYNC: each write returns once its data (and the size needed to read it
 * back) is on disk, as if followed by fdatasync, in one system call instead of two.
 */
const { O_CREAT, O_EXCL, O_RDWR } = constants;
const O_DSYNC = constants.O_DSYNC ?? 0;

/** The first zero-filled extent of a file; each later one doubles it, up to {@link MAX_EXTENT}. */
export const FIRST_EXTENT = 64 * 1024;
/** Largest extent zero-filled at once (a few ms of disk every few thousand small frames). */
export const MAX_EXTENT = 1024 * 1024;
let zeros: Buffer | undefined;

/**
 * One append-only journal file, written at offsets it tracks itself. `append` returns only
 * once the bytes are on disk (O_DSYNC writes, plus an fdatasync where the platform has no
 * O_DSYNC).
 *
 * The file is zero-filled ahead of the frames (preallocated, as PostgreSQL pre-zeroes WAL
 * segments): a frame then overwrites bytes the file already has, and its O_DSYNC write has
 * only data to make durable, not a new file size (on ext4 that is a journal commit less per
 * append: about twice the appends per second on this machine's disk). The zeros are written
 * in the background, never by an append: once fewer than half an extent of zeros is left
 * ahead of the frames, the next extent (64 KiB, doubling to 1 MiB) is written past the end
 * of the file while appends go on into the zeros before it. An append waits for that write
 * only if its frame does not fit into the zeros already there (a burst faster than the disk,
 * or a frame bigger than the space left); a frame that still does not fit is written alone
 * past the end, and the next extent follows it in the background. So a frame only ever
 * lands on zeros or past the end of the file, and no two writes cover the same bytes.
 *
 * Readers stop at the first byte that starts no valid frame: an all-zero tail is the
 * preallocation, not damage (`scanJournal`); a crash during a zero write leaves zeros or
 * a shorter file, both an all-zero tail. Where the zeros do not fit (a full disk, or any
 * failed zero write), the zeros past the last whole extent are cut back and this file
 * appends without preallocating from then on.
 *
 * A failed append is undone: the file is cut back to its last whole frame (zero tail
 * included), so a later append never lands after half a frame. If even that cut fails,
 * the file stays `damaged` and the next append retries the cut first.
 */
export class JournalFile {
  #size: number;
  /** End of the bytes the file holds (frames, then zeros): appends up to here are overwrites. */
  #allocated: number;
  #preallocate = true;
  #zeroFilled = 0;
  /** The background zero write of the next extent, while in flight (it never rejects). */
  #filling: Promise<void> | null = null;
  #damaged = false;
  #closed = false;

  private constructor(
    readonly file: string,
    private readonly fh: FileHandle,
    size: number,
    allocated: number,
  ) {
    this.#size = size;
    this.#allocated = allocated;
  }

  /** Creates the file (it must not exist) and makes its directory entry durable. */
  static async create(file: string): Promise<JournalFile> {
    const fh = await open(file, O_RDWR | O_CREAT | O_EXCL | O_DSYNC, 0o600);
    try {
      await syncDir(dirname(file));
    } catch (err) {
      // Not durably there: take it away, so the next attempt can create it again.
      await fh.close().catch(() => {});
      await unlink(file).catch(() => {});
      throw err;
    }
    return new JournalFile(file, fh, 0, 0);
  }

  /**
   * Opens an existing file to append at `size`. `zeroTail`: the bytes past `size` are all
   * zero (a preallocated tail, see `scanJournal`) and are kept for the appends to come;
   * otherwise bytes past `size` (a torn tail) are cut off durably first.
   */
  static async openAt(file: string, size: number, zeroTail = false): Promise<JournalFile> {
    const fh = await open(file, O_RDWR | O_DSYNC);
    let allocated = size;
    try {
      const onDisk = (await fh.stat()).size;
      if (zeroTail && onDisk >= size) allocated = onDisk;
      else if (onDisk !== size) {
        await fh.truncate(size);
        await fh.datasync();
      }
    } catch (err) {
      await fh.close().catch(() => {});
      throw err;
    }
    return new JournalFile(file, fh, size, allocated);
  }

  /** Bytes of whole, durable frames in the file. */
  get size(): number {
    return this.#size;
  }

  /** Bytes the file holds: the frames, then the zero-filled space ahead of them. */
  get allocated(): number {
    return this.#allocated;
  }

  /** Bytes of zeros written ahead of the frames since this file was opened. */
  get zeroFilled(): number {
    return this.#zeroFilled;
  }

  /** True while the next extent's zeros are being written in the background. */
  get filling(): boolean {
    return this.#filling !== null;
  }

  /** True while a failed append could not be cut back yet. */
  get damaged(): boolean {
    return this.#damaged;
  }

  /** Resolves once no background zero write is in flight (it never rejects). */
  async settled(): Promise<void> {
    while (this.#filling) await this.#filling;
  }

  /** Writes `bytes` after the last frame, durably; on failure cuts the file back and rethrows the fs error. */
  async append(bytes: Buffer): Promise<void> {
    if (this.#closed) throw new Error(`journal ${this.file} is closed`);
    if (this.#damaged) await this.#cutBack();
    const start = this.#size;
    const end = start + bytes.length;
    try {
      // Past the zeros: the extent being written would overwrite the frame, so wait for it.
      if (end > this.#allocated) await this.settled();
      await this.#write([bytes], start);
      if (O_DSYNC === 0) await this.fh.datasync();
    } catch (err) {
      this.#damaged = true;
      await this.#cutBack().catch(() => {});
      throw err;
    }
    this.#size = end;
    if (end > this.#allocated) this.#allocated = end;
    this.#fillAhead();
  }

  /** Cuts back a failed append's leftovers now (a no-op unless `damaged`); throws if that still fails. */
  async repair(): Promise<void> {
    if (this.#damaged) await this.#cutBack();
  }

  /**
   * Cuts the zeros after the last frame off (durably), for a file no longer appended to: an
   * older segment then holds only its frames, as files without preallocation did.
   */
  async trim(): Promise<void> {
    if (this.#closed) return;
    this.#preallocate = false;
    await this.settled();
    if (this.#allocated === this.#size) return;
    await this.fh.truncate(this.#size);
    await this.fh.datasync();
    this.#allocated = this.#size;
  }

  /** Closes the handle once a background zero write is done (idempotent). */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.settled();
    await this.fh.close();
  }

  /** Starts the next extent's zero write once fewer than half an extent of zeros is left ahead. */
  #fillAhead(): void {
    if (!this.#preallocate || this.#filling || this.#closed || this.#damaged) return;
    const extent = Math.min(MAX_EXTENT, Math.max(FIRST_EXTENT, this.#allocated));
    if (this.#allocated - this.#size >= extent / 2) return;
    const at = this.#allocated;
    zeros ??= Buffer.alloc(MAX_EXTENT);
    this.#filling = this.#write([zeros.subarray(0, extent)], at).then(
      () => {
        this.#allocated = at + extent;
        this.#zeroFilled += extent;
        this.#filling = null;
      },
      () => this.#fillFailed(at),
    );
  }

  /**
   * A zero write failed (ENOSPC, typically part-way): stop preallocating and cut the partial
   * zeros back to the last whole extent. Best effort: whatever of them stays is zeros past
   * `allocated`, which a frame may overwrite and `trim`/`#cutBack` cut off.
   */
  async #fillFailed(at: number): Promise<void> {
    this.#preallocate = false;
    await this.fh.truncate(at).catch(() => {});
    this.#filling = null;
  }

  async #write(buffers: Buffer[], at: number): Promise<void> {
    let pending = buffers;
    for (;;) {
      const { bytesWritten } = await this.fh.writev(pending, at);
      at += bytesWritten;
      pending = rest(pending, bytesWritten);
      if (pending.length === 0) return;
    }
  }

  async #cutBack(): Promise<void> {
    await this.settled();
    await this.fh.truncate(this.#size);
    await this.fh.datasync();
    this.#allocated = this.#size;
    this.#damaged = false;
  }
}

/** What of `buffers` is left after the first `n` bytes. */
function rest(buffers: Buffer[], n: number): Buffer[] {
  let i = 0;
  while (i < buffers.length && n >= buffers[i]!.length) n -= buffers[i++]!.length;
  if (i === buffers.length) return [];
  const left = buffers.slice(i);
  left[0] = left[0]!.subarray(n);
  return left;
}
