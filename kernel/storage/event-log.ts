import { mkdir, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { omegaError } from '../errors/index.js';
import type { Logger } from '../log/index.js';
import { removeStaleTempFiles, syncDir } from './durable-file.js';
import { forEachLine, SegmentedJournal } from './journal/index.js';
import { writeFailed } from './storage-errors.js';

/** One event as the log keeps it. */
export interface LoggedEvent {
  seq: number;
  topic: string;
  /** Publish time, epoch ms. */
  time: number;
  data: unknown;
}

/** What {@link EventLog.open} found. */
export interface RecoveredEvents {
  /** Every logged event, oldest first (retention is the reader's to apply). */
  events: LoggedEvent[];
  /** The last seq handed out, when the previous kernel stopped cleanly; null after a crash. */
  cleanStop: number | null;
}

/** Options of the event log. */
export interface EventLogOptions {
  /** Events not asked to be durable are written at most this long after they were appended (default 1000 ms). */
  flushIntervalMs?: number;
  /** A new segment file starts once the current one reaches this size (default 1 MiB). */
  segmentBytes?: number;
  /** Pending (unwritten) bytes past which the oldest are dropped while the disk keeps failing (default 16 MiB). */
  maxPendingBytes?: number;
}

interface Pending {
  seq: number;
  line: string;
  durable: boolean;
  resolve?: () => void;
  reject?: (err: unknown) => void;
}

const SEGMENT = /^([1-9][0-9]{0,15})\.journal$/;

function positiveInt(field: string, value: number): number {
  if (!Number.isSafeInteger(value) || value <= 0) {
    throw omegaError('OMEGA_ERR_CONFIG_INVALID', `Event log option ${field} must be a positive integer.`, {
      field,
      value,
    });
  }
  return value;
}

/**
 * The event bus's replay window on disk: an append-only, segmented journal in
 * `<dataDir>/events/`, one line per event (`{"seq","topic","time","data"}`). Appends are
 * group-committed: an event asked to be durable triggers a write at once and its promise
 * resolves when it (and every event before it) is on disk; the others are written in
 * batches, at most `flushIntervalMs` later, so a kill -9 can lose only those of the last
 * interval. Whole segments are deleted once every event in them has left the replay window
 * (`retainFrom`), so the log stays about as large as the window. A clean stop writes a
 * `{"closed":<lastSeq>}` marker, so the next start knows no seq was handed out after it.
 */
export class EventLog {
  #pending: Pending[] = [];
  #pendingBytes = 0;
  #writing: Promise<void> | null = null;
  #timer: NodeJS.Timeout | null = null;
  #retainFrom = 0;
  #closed = false;
  #failing = false;
  #lastError: Error | null = null;
  #cleanStop: number | null = null;
  readonly #lastEventOf: Map<number, number>;
  readonly #flushMs: number;
  readonly #segmentBytes: number;
  readonly #maxPending: number;

  private constructor(
    private readonly journal: SegmentedJournal,
    lastEventOf: Map<number, number>,
    opts: EventLogOptions,
    private readonly logger: Logger,
  ) {
    this.#lastEventOf = lastEventOf;
    this.#flushMs = positiveInt('flushIntervalMs', opts.flushIntervalMs ?? 1000);
    this.#segmentBytes = positiveInt('segmentBytes', opts.segmentBytes ?? 1024 * 1024);
    this.#maxPending = positiveInt('maxPendingBytes', opts.maxPendingBytes ?? 16 * 1024 * 1024);
  }

  /**
   * Opens (creating) the log in `dir` and reads it back. A damaged frame in the middle is
   * OMEGA_ERR_STORAGE_CORRUPT naming the file; a torn tail is dropped and logged.
   */
  static async open(
    dir: string,
    opts: EventLogOptions,
    logger: Logger,
  ): Promise<{ log: EventLog; recovered: RecoveredEvents }> {
    await mkdir(dir, { recursive: true });
    await syncDir(join(dir, '..'));
    await removeStaleTempFiles(dir);
    const files: { gen: number; file: string }[] = [];
    for (const name of await readdir(dir)) {
      const m = SEGMENT.exec(name);
      if (m) files.push({ gen: Number(m[1]), file: join(dir, name) });
      else logger.warn({ file: join(dir, name) }, 'ignoring a file that is not an event log segment');
    }
    const events: LoggedEvent[] = [];
    const lastEventOf = new Map<number, number>();
    let cleanStop: number | null = null;
    const journal = await SegmentedJournal.recover({
      files,
      fileOf: (gen) => join(dir, `${gen}.journal`),
      after: 'any',
      snapshotName: 'the event log (it has no snapshot)',
      logger,
      apply: (payload, _seq, gen) =>
        forEachLine(payload, (line) => {
          const e = JSON.parse(line) as Partial<LoggedEvent> & { closed?: unknown; opened?: unknown };
          if (typeof e.closed === 'number') {
            cleanStop = e.closed;
            return;
          }
          cleanStop = null;
          if (e.opened !== undefined) return;
          const prev = events.at(-1)?.seq ?? 0;
          if (!Number.isSafeInteger(e.seq) || (e.seq as number) <= prev || typeof e.topic !== 'string') {
            throw new Error(`an event line is malformed or out of order (after seq ${prev})`);
          }
          if (typeof e.time !== 'number') throw new Error(`event ${e.seq} has no time`);
          events.push({
            seq: e.seq as number,
            topic: e.topic,
            time: e.time,
            data: e.data ?? null,
          });
          lastEventOf.set(gen, e.seq as number);
        }),
    });
    const log = new EventLog(journal, lastEventOf, opts, logger);
    return { log, recovered: { events, cleanStop } };
  }

  /**
   * Appends one event's line. Durable: written at once, and the promise resolves when it is
   * on disk (rejects with OMEGA_ERR_STORAGE_FULL/IO, and the line is then dropped). Else it
   * is written with the next batch and nothing is returned.
   */
  append(seq: number, line: string, durable: boolean): Promise<void> | undefined {
    if (this.#closed) {
      if (durable) return Promise.reject(omegaError('OMEGA_ERR_STORAGE_CLOSED', 'The event log is closed.'));
      return undefined;
    }
    const entry: Pending = { seq, line, durable };
    this.#pending.push(entry);
    this.#pendingBytes += line.length;
    if (this.#pendingBytes > this.#maxPending) this.#shed();
    if (!durable) {
      this.#schedule(this.#pendingBytes > 256 * 1024 ? 0 : this.#flushMs);
      return undefined;
    }
    const done = new Promise<void>((resolve, reject) => {
      entry.resolve = resolve;
      entry.reject = reject;
    });
    this.#schedule(0);
    return done;
  }

  /** Events with a seq below `seq` left the replay window: segments holding only those may go. */
  retainFrom(seq: number): void {
    this.#retainFrom = Math.max(this.#retainFrom, seq);
  }

  /** Appends a marker line (e.g. `{"opened":…}`) and resolves when it is on disk. */
  mark(line: string): Promise<void> {
    return this.append(0, line, true)!;
  }

  /** Writes everything appended so far; rejects if that write fails. */
  async flush(): Promise<void> {
    while (this.#writing) await this.#writing;
    if (this.#pending.length === 0) return;
    await this.#write();
    if (this.#failing)
      throw this.#lastError ?? omegaError('OMEGA_ERR_STORAGE_IO', 'The event log could not be written.');
  }

  /** The bus stopped cleanly at `lastSeq`: {@link close} records that, so the next start continues from it. */
  stoppedAt(lastSeq: number): void {
    this.#cleanStop = lastSeq;
  }

  /** Writes what is pending (and the clean-stop marker, if any) and closes. Later appends are ignored. */
  async close(): Promise<void> {
    if (this.#closed) return;
    if (this.#cleanStop !== null) {
      this.#pending.push({ seq: 0, line: `{"closed":${this.#cleanStop}}`, durable: false });
    }
    this.#closed = true;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    try {
      await this.flush();
    } finally {
      await this.journal.close();
    }
  }

  /** Segment files, bytes on disk and events awaiting a write. */
  stats(): { segments: number; bytes: number; pending: number } {
    return {
      segments: this.journal.segments().length,
      bytes: this.journal.bytes,
      pending: this.#pending.length,
    };
  }

  #schedule(ms: number): void {
    if (this.#writing) return; // the write in flight schedules the next one
    if (this.#timer && ms > 0) return;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = setTimeout(() => {
      this.#timer = null;
      void this.#write();
    }, ms);
    this.#timer.unref();
  }

  /** One group commit: every pending line in one frame. */
  #write(): Promise<void> {
    if (this.#writing) return this.#writing;
    const batch = this.#pending;
    if (batch.length === 0) return Promise.resolve();
    this.#pending = [];
    this.#pendingBytes = 0;
    const run = (async () => {
      try {
        if (this.journal.bytes > 0 && this.#currentBytes() >= this.#segmentBytes) {
          await this.journal
            .rotate()
            .catch((err) =>
              this.logger.warn(
                { err },
                'could not start a new event log segment; appending to the current one',
              ),
            );
        }
        await this.journal.append(batch.map((p) => p.line));
      } catch (err) {
        this.#failed(batch, err);
        return;
      }
      if (this.#failing) this.logger.info('event log writes work again');
      this.#failing = false;
      let last = 0;
      for (const p of batch) {
        if (p.seq > last) last = p.seq;
        p.resolve?.();
      }
      if (last > 0) this.#lastEventOf.set(this.journal.currentGen, last);
      await this.#dropOld();
    })();
    this.#writing = run.finally(() => {
      this.#writing = null;
      if (this.#pending.length > 0) this.#schedule(this.#pending.some((p) => p.durable) ? 0 : this.#flushMs);
    });
    return this.#writing;
  }

  /** A failed write: durable lines fail (their events never become visible); the others wait for the next try. */
  #failed(batch: Pending[], err: unknown): void {
    const coded = writeFailed(err, 'Writing the event log', { store: 'events' });
    this.#lastError = coded;
    if (!this.#failing)
      this.logger.error({ err }, 'event log write failed; batched events are kept in memory and retried');
    this.#failing = true;
    const kept = batch.filter((p) => !p.durable);
    for (const p of batch) if (p.durable) p.reject?.(coded);
    this.#pending = [...kept, ...this.#pending];
    this.#pendingBytes = this.#pending.reduce((n, p) => n + p.line.length, 0);
    if (this.#pendingBytes > this.#maxPending) this.#shed();
  }

  /** Drops the oldest batched lines while too many wait (the disk keeps failing): the replay window has moved on. */
  #shed(): void {
    let dropped = 0;
    while (this.#pendingBytes > this.#maxPending) {
      const i = this.#pending.findIndex((p) => !p.durable);
      if (i === -1) break;
      const [p] = this.#pending.splice(i, 1);
      this.#pendingBytes -= p!.line.length;
      dropped++;
    }
    if (dropped > 0)
      this.logger.warn({ dropped }, 'event log: dropped unwritten events while the disk keeps failing');
  }

  #currentBytes(): number {
    return this.journal.segments().at(-1)?.bytes ?? 0;
  }

  async #dropOld(): Promise<void> {
    const keepFrom = this.#retainFrom;
    try {
      await this.journal.dropWhere((seg) => {
        const last = this.#lastEventOf.get(seg.gen);
        if (last !== undefined && last >= keepFrom) return false;
        this.#lastEventOf.delete(seg.gen);
        return true;
      });
    } catch (err) {
      this.logger.warn({ err }, 'could not delete an old event log segment');
    }
  }
}
