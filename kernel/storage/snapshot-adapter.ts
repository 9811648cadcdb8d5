import { type FileHandle, open, readFile, rename, stat, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { Adapter } from 'lowdb';
import { syncDir } from './durable-file.js';
import {
  captureNamespace,
  decodeNamespace,
  type NamespaceCapture,
  type NamespaceSnapshot,
  SNAPSHOT_FORMAT,
} from './namespace-file.js';
import { readSnapshotLines } from './read-snapshot-lines.js';

/** Steps of writing a snapshot, reported as they complete (logs, tests that crash at each). */
export type SnapshotStep = 'snapshot-synced' | 'snapshot-renamed';

/** Text goes to the file in writes of about this many bytes; the event loop runs between them. */
const SLICE_BYTES = 1024 * 1024;
/** The temp file is fdatasynced every this many bytes while it is written. */
const SYNC_EVERY_BYTES = 8 * 1024 * 1024;
let tempCounter = 0;

/**
 * Writes text through one reused buffer: records are encoded straight into it (no joined
 * strings, no buffer per slice, so a large snapshot makes little garbage), and each full
 * buffer is written and, every few MiB, fdatasynced: one fsync of a huge file at the end
 * would hold the disk for long, and the journal's appends would queue behind it.
 */
class SliceWriter {
  readonly #buf = Buffer.allocUnsafe(SLICE_BYTES);
  #at = 0;
  #synced = 0;
  bytes = 0;

  constructor(
    private readonly fh: FileHandle,
    private readonly abandoned: () => boolean,
  ) {}

  /** Encodes `text` into the buffer if it surely fits (3 bytes per UTF-16 unit at most); false if not. */
  tryPut(text: string): boolean {
    if (this.#at + text.length * 3 > this.#buf.length) return false;
    this.#at += this.#buf.write(text, this.#at);
    return true;
  }

  /** Like {@link tryPut}, writing the buffer out first when needed (text longer than it goes out on its own). */
  async put(text: string): Promise<void> {
    if (this.tryPut(text)) return;
    await this.flush();
    if (this.tryPut(text)) return;
    await this.#write(Buffer.from(text, 'utf8'));
  }

  /** Writes out what the buffer holds. */
  async flush(): Promise<void> {
    if (this.#at === 0) return;
    const n = this.#at;
    this.#at = 0;
    await this.#write(this.#buf.subarray(0, n));
  }

  async #write(bytes: Buffer): Promise<void> {
    if (this.abandoned()) throw new SnapshotAbandoned('storage is closing');
    let done = 0;
    while (done < bytes.length) done += (await this.fh.write(bytes, done, bytes.length - done)).bytesWritten;
    this.bytes += bytes.length;
    if (this.bytes - this.#synced >= SYNC_EVERY_BYTES) {
      await this.fh.datasync();
      this.#synced = this.bytes;
    }
  }
}

/** Thrown (and caught by the store) when a snapshot is abandoned: its commit failed, or storage is closing. */
export class SnapshotAbandoned extends Error {}

/**
 * The lowdb adapter of a namespace snapshot, written one record per line:
 *
 * ```
 * {"format":2,"through":N,"collections":{
 * "<collection>":{
 * "<id>":{record}
 * ,"<id>":{record}
 * }
 * ,"<collection>":{ …
 * }}
 * ```
 *
 * `read` parses the file (absent = null), line by line when it has this layout. `write`
 * captures the document synchronously, at the instant it is called (no record is copied:
 * see {@link captureNamespace}), then streams it to a temp file in slices, fsyncs it, waits
 * for the staged `gate` (the journal frame the snapshot includes must be durable first),
 * renames it over the snapshot and fsyncs the directory. A crash at any point leaves the
 * old snapshot or the new one, whole.
 */
export class SnapshotAdapter implements Adapter<NamespaceSnapshot> {
  #gate: Promise<true | Error> = Promise.resolve(true);

  constructor(
    readonly file: string,
    private readonly hooks: { abandoned: () => boolean; step: (step: SnapshotStep) => void },
  ) {}

  async read(): Promise<NamespaceSnapshot | null> {
    let size: number;
    try {
      size = (await stat(this.file)).size;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw err;
    }
    // The layout this adapter writes is read line by line; anything else is parsed whole.
    const snapshot =
      (await readSnapshotLines(this.file)) ?? decodeNamespace(await readFile(this.file, 'utf8'), this.file);
    this.bytes = size;
    return snapshot;
  }

  /** The next `write` renames its file only once `gate` resolves true (an error abandons it). */
  stage(gate: Promise<true | Error>): void {
    this.#gate = gate;
  }

  /** Size in bytes of the snapshot on disk (after `read` or the last `write`). */
  bytes = 0;

  write(doc: NamespaceSnapshot): Promise<void> {
    const capture = captureNamespace(doc.data, doc.through);
    const gate = this.#gate;
    this.#gate = Promise.resolve(true);
    return this.#stream(capture, gate)
      .then((bytes) => {
        this.bytes = bytes;
      })
      .finally(() => capture.release());
  }

  async #stream(capture: NamespaceCapture, gate: Promise<true | Error>): Promise<number> {
    const dir = dirname(this.file);
    const tmp = join(dir, `.${basename(this.file)}.${process.pid}.${tempCounter++}.tmp`);
    const fh = await open(tmp, 'w', 0o600);
    let renamed = false;
    const out = new SliceWriter(fh, this.hooks.abandoned);
    try {
      // One record per line (still one JSON document), so it can be read back line by line.
      await out.put(`{"format":${SNAPSHOT_FORMAT},"through":${capture.through},"collections":{`);
      for (const [i, { name, capture: coll }] of capture.collections.entries()) {
        // Collection names match [a-z0-9_-], so they need no escaping.
        await out.put(`\n${i > 0 ? ',' : ''}"${name}":{`);
        let sep = '\n';
        for (const part of coll.parts) {
          for (const entry of part.values()) {
            // Synchronous while the buffer has room; an await only when a slice is full.
            if (!out.tryPut(sep)) await out.put(sep);
            if (!out.tryPut(entry.line)) await out.put(entry.line);
            sep = '\n,';
          }
        }
        await out.put('\n}');
      }
      await out.put('\n}}\n');
      await out.flush();
      const bytes = out.bytes;
      await fh.sync();
      await fh.close();
      this.hooks.step('snapshot-synced');
      const outcome = await gate;
      if (outcome !== true) {
        throw new SnapshotAbandoned('the journal frame it includes was not saved', { cause: outcome });
      }
      await rename(tmp, this.file);
      renamed = true;
      await syncDir(dir);
      this.hooks.step('snapshot-renamed');
      return bytes;
    } catch (err) {
      await fh.close().catch(() => {});
      if (!renamed) await unlink(tmp).catch(() => {});
      throw err;
    }
  }
}
