import { unlink } from 'node:fs/promises';
import type { Logger } from '../../log/index.js';
import { corruptFile } from '../storage-errors.js';
import { encodeFrame, encodePayload } from './frame.js';
import { JournalFile } from './journal-file.js';
import { scanJournal } from './scan-journal.js';

/** One journal file: `gen` is the sequence number of the first frame it may hold. */
export interface Segment {
  readonly gen: number;
  readonly file: string;
  /** Sequence number of its last frame (`gen - 1` while empty). */
  lastFrame: number;
  /** Bytes of whole frames in it. */
  bytes: number;
}

/** Options of {@link SegmentedJournal.recover}. */
export interface RecoverOptions {
  /** The existing segment files (any order). */
  files: readonly { gen: number; file: string }[];
  /** Path of segment `gen` (for new segments). */
  fileOf: (gen: number) => string;
  /**
   * Frames up to this sequence number are already in the snapshot: read and checked, not
   * applied. `'any'`: there is no snapshot, and older segments may have been dropped, so the
   * oldest frame may have any number (frames must still be consecutive from there).
   */
  after: number | 'any';
  /** Applies one frame's payload (valid during the call); a throw is corruption of that file. */
  apply: (payload: Buffer, seq: number, gen: number) => void;
  /** Names what the snapshot is, for the error when frames between it and the journal are missing. */
  snapshotName: string;
  logger: Logger;
}

/**
 * An append-only journal kept as numbered segment files. Each append is one checksummed
 * frame with the next sequence number, durable (fdatasync) when the promise resolves.
 * `rotate` starts a new segment, so the ones before it can be dropped once a snapshot
 * covers them. Recovery reads every segment in order, checks that frames are consecutive,
 * drops a torn tail of the newest segment (logged) and refuses corruption anywhere else.
 */
export class SegmentedJournal {
  readonly #segments: Segment[];
  readonly #fileOf: (gen: number) => string;
  #current: JournalFile | null;
  #nextSeq: number;
  #written = 0;
  /** Zeros written by segments no longer current. */
  #zeroFilledBefore = 0;

  private constructor(
    segments: Segment[],
    current: JournalFile | null,
    nextSeq: number,
    fileOf: (gen: number) => string,
  ) {
    this.#segments = segments;
    this.#current = current;
    this.#nextSeq = nextSeq;
    this.#fileOf = fileOf;
  }

  /** Reads the segments, applies the frames after `after`, and opens the newest for appends. */
  static async recover(o: RecoverOptions): Promise<SegmentedJournal> {
    const files = [...o.files].sort((a, b) => a.gen - b.gen);
    const segments: Segment[] = [];
    let last: number | undefined;
    let after = o.after === 'any' ? undefined : o.after;
    let applied = false;
    let tail: { file: string; end: number; zeroTail: boolean } | null = null;
    for (const [i, { gen, file }] of files.entries()) {
      const seg: Segment = { gen, file, lastFrame: gen - 1, bytes: 0 };
      const scan = await scanJournal(file, (frame) => {
        if (last !== undefined && frame.seq !== last + 1) {
          throw corruptFile(file, `journal frame ${frame.seq} at byte ${frame.offset} follows frame ${last}`);
        }
        last = frame.seq;
        seg.lastFrame = frame.seq;
        after ??= frame.seq - 1; // 'any': the oldest frame there is starts the journal
        if (frame.seq <= after) return;
        if (!applied && frame.seq !== after + 1) {
          throw corruptFile(
            file,
            `journal frames ${after + 1}–${frame.seq - 1} are missing: ${o.snapshotName} covers frames up to ` +
              `${after} but this journal continues at ${frame.seq}`,
          );
        }
        applied = true;
        try {
          o.apply(frame.payload, frame.seq, gen);
        } catch (err) {
          const reason = err instanceof Error ? err.message : String(err);
          throw corruptFile(
            file,
            `journal frame ${frame.seq} at byte ${frame.offset} is malformed: ${reason}`,
          );
        }
      });
      seg.bytes = scan.end;
      if (scan.torn) {
        if (i !== files.length - 1) {
          throw corruptFile(
            file,
            `journal frame at byte ${scan.torn.offset} is damaged (${scan.torn.reason}), and newer journal files follow it`,
          );
        }
        o.logger.warn(
          { file, offset: scan.torn.offset, bytes: scan.torn.bytes, reason: scan.torn.reason },
          'dropping the torn tail of a journal (an append that a crash interrupted; it was never acknowledged)',
        );
      }
      tail = { file, end: scan.end, zeroTail: scan.zeroTail > 0 };
      segments.push(seg);
    }
    const nextSeq = Math.max(last ?? 0, after ?? 0) + 1;
    const current = tail ? await JournalFile.openAt(tail.file, tail.end, tail.zeroTail) : null;
    return new SegmentedJournal(segments, current, nextSeq, o.fileOf);
  }

  /** A journal with no segment yet; the first append creates one. */
  static empty(fileOf: (gen: number) => string): SegmentedJournal {
    return new SegmentedJournal([], null, 1, fileOf);
  }

  /** Sequence number the next frame gets. */
  get nextSeq(): number {
    return this.#nextSeq;
  }

  /** Bytes of whole frames over all segments. */
  get bytes(): number {
    let n = 0;
    for (const s of this.#segments) n += s.bytes;
    return n;
  }

  /** Bytes appended since this journal was opened. */
  get written(): number {
    return this.#written;
  }

  /** Bytes of zeros written ahead of the frames (preallocation, see JournalFile) since this journal was opened. */
  get zeroFilled(): number {
    return this.#zeroFilledBefore + (this.#current?.zeroFilled ?? 0);
  }

  /** Resolves once the current segment writes no zeros ahead of its frames in the background (see JournalFile). */
  async settled(): Promise<void> {
    await this.#current?.settled();
  }

  /** Generation of the segment appends go to (0 before the first). */
  get currentGen(): number {
    return this.#segments.at(-1)?.gen ?? 0;
  }

  /** The segments, oldest first (a copy). */
  segments(): Segment[] {
    return this.#segments.map((s) => ({ ...s }));
  }

  /** True while a failed append could not be cut back (appends retry the cut first). */
  get damaged(): boolean {
    return this.#current?.damaged ?? false;
  }

  /**
   * Appends one frame holding `lines` and resolves with its sequence number once it is on
   * disk. Rejects with the fs error; the journal is then as it was before the call.
   */
  async append(lines: readonly string[]): Promise<number> {
    const seq = this.#nextSeq;
    const frame = encodeFrame(seq, encodePayload(lines));
    if (!this.#current) await this.rotate();
    const seg = this.#segments.at(-1)!;
    await this.#current!.append(frame);
    seg.bytes += frame.length;
    seg.lastFrame = seq;
    this.#written += frame.length;
    this.#nextSeq = seq + 1;
    return seq;
  }

  /**
   * Starts a new, empty segment (its directory entry durable) for the appends that follow,
   * and resolves with its generation. A no-op while the current segment is still empty.
   */
  async rotate(): Promise<number> {
    // A segment must never be left with half a frame at its end once newer ones follow it.
    await this.#current?.repair();
    const cur = this.#segments.at(-1);
    if (cur && this.#current && cur.bytes === 0) return cur.gen;
    const gen = this.#nextSeq;
    const file = this.#fileOf(gen);
    const next = await JournalFile.create(file);
    const old = this.#current;
    this.#zeroFilledBefore += old?.zeroFilled ?? 0;
    this.#current = next;
    this.#segments.push({ gen, file, lastFrame: gen - 1, bytes: 0 });
    // Its preallocated zeros are of no use now (a zero tail is legal, so this is best effort).
    await old?.trim().catch(() => {});
    await old?.close().catch(() => {});
    return gen;
  }

  /** Deletes the segments before the current one that `covered` says are no longer needed; returns their bytes. */
  async dropWhere(covered: (seg: Segment) => boolean): Promise<number> {
    let freed = 0;
    while (this.#segments.length > 1 && covered(this.#segments[0]!)) {
      const seg = this.#segments[0]!;
      try {
        await unlink(seg.file);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      }
      this.#segments.shift();
      freed += seg.bytes;
    }
    return freed;
  }

  /** Closes the current segment's handle. */
  async close(): Promise<void> {
    await this.#current?.close();
  }
}
