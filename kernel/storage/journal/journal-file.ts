import { constants } from 'node:fs';
import { type FileHandle, open, unlink } from 'node:fs/promises';
import { dirname } from 'node:path';
import { syncDir } from '../durable-file.js';

/**
 * Opened with O_DSYNC: each write returns once its data (and the size needed to read it
 * back) is on disk, as if followed by fdatasync, in one system call instead of two.
 */
const { O_CREAT, O_EXCL, O_RDWR, O_WRONLY } = constants;
const O_DSYNC = constants.O_DSYNC ?? 0;

/**
 * One append-only journal file, written at offsets it tracks itself. `append` returns only
 * once the bytes are on disk (O_DSYNC writes, plus an fdatasync where the platform has no
 * O_DSYNC). A failed append is undone: the file is cut back to its size before the append,
 * so a later append never lands after half a frame. If even that cut fails, the file stays
 * `damaged` and the next append retries the cut first.
 */
export class JournalFile {
  #size: number;
  #damaged = false;
  #closed = false;

  private constructor(
    readonly file: string,
    private readonly fh: FileHandle,
    size: number,
  ) {
    this.#size = size;
  }

  /** Creates the file (it must not exist) and makes its directory entry durable. */
  static async create(file: string): Promise<JournalFile> {
    const fh = await open(file, O_WRONLY | O_CREAT | O_EXCL | O_DSYNC, 0o600);
    try {
      await syncDir(dirname(file));
    } catch (err) {
      // Not durably there: take it away, so the next attempt can create it again.
      await fh.close().catch(() => {});
      await unlink(file).catch(() => {});
      throw err;
    }
    return new JournalFile(file, fh, 0);
  }

  /** Opens an existing file to append at `size`; bytes past it (a torn tail) are cut off durably first. */
  static async openAt(file: string, size: number): Promise<JournalFile> {
    const fh = await open(file, O_RDWR | O_DSYNC);
    try {
      if ((await fh.stat()).size !== size) {
        await fh.truncate(size);
        await fh.datasync();
      }
    } catch (err) {
      await fh.close().catch(() => {});
      throw err;
    }
    return new JournalFile(file, fh, size);
  }

  /** Bytes of whole, durable frames in the file. */
  get size(): number {
    return this.#size;
  }

  /** True while a failed append could not be cut back yet. */
  get damaged(): boolean {
    return this.#damaged;
  }

  /** Writes `bytes` at the end and fdatasyncs; on failure cuts the file back and rethrows the fs error. */
  async append(bytes: Buffer): Promise<void> {
    if (this.#closed) throw new Error(`journal ${this.file} is closed`);
    if (this.#damaged) await this.#cutBack();
    const start = this.#size;
    try {
      let done = 0;
      while (done < bytes.length) {
        const { bytesWritten } = await this.fh.write(bytes, done, bytes.length - done, start + done);
        done += bytesWritten;
      }
      if (O_DSYNC === 0) await this.fh.datasync();
    } catch (err) {
      this.#damaged = true;
      await this.#cutBack().catch(() => {});
      throw err;
    }
    this.#size = start + bytes.length;
  }

  /** Cuts back a failed append's leftovers now (a no-op unless `damaged`); throws if that still fails. */
  async repair(): Promise<void> {
    if (this.#damaged) await this.#cutBack();
  }

  /** Closes the handle (idempotent). */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.fh.close();
  }

  async #cutBack(): Promise<void> {
    await this.fh.truncate(this.#size);
    await this.fh.datasync();
    this.#damaged = false;
  }
}
