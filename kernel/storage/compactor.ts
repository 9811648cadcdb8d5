import type { Low } from 'lowdb';
import { omegaError } from '../errors/index.js';
import type { Logger } from '../log/index.js';
import type { SegmentedJournal } from './journal/index.js';
import type { NamespaceSnapshot } from './namespace-file.js';
import { SnapshotAbandoned, type SnapshotAdapter, type SnapshotStep } from './snapshot-adapter.js';
import { writeFailed } from './storage-errors.js';

/** When a namespace's journal is compacted into a new snapshot. */
export interface CompactionPolicy {
  /** Never compact a journal smaller than this (default 4 MiB). */
  minJournalBytes: number;
  /** Compact once the journal is this many times the snapshot's size (default 1). */
  journalRatio: number;
}

/** The default {@link CompactionPolicy}. */
export const DEFAULT_COMPACTION: CompactionPolicy = { minJournalBytes: 4 * 1024 * 1024, journalRatio: 1 };

/** Steps of a compaction, reported as each completes. */
export type CompactionStep = 'journal-rotated' | SnapshotStep | 'journal-dropped';

/** A failed compaction is retried after this long (or on an explicit compact()). */
const RETRY_MS = 30_000;

/** Opens the snapshot's rename once the journal frame it includes is durable (true), or abandons it (the error). */
export type CompactionGate = (outcome: true | Error) => void;

/** What a {@link Compactor} works on. */
export interface CompactorParts {
  ns: string;
  low: Low<NamespaceSnapshot>;
  adapter: SnapshotAdapter;
  journal: SegmentedJournal;
  /** Asks the group commit for a write soon, even with nothing pending. */
  kick: () => void;
  policy: CompactionPolicy;
  logger: Logger;
  onStep?: (ns: string, step: CompactionStep) => void;
}

/**
 * The compaction of one namespace. It starts inside a group commit, so that the captured
 * document is exactly "every frame up to the one this commit writes": {@link begin}
 * captures (copy-on-write, synchronously) and rotates the journal to a new segment; the
 * snapshot is then written in the background, renamed into place once that frame is
 * durable, and the segments it covers are deleted. At most one runs at a time; a failure
 * leaves the journal as the record of every change and is retried later.
 */
export class Compactor {
  #wanted = false;
  #running: Promise<void> | null = null;
  #waiters: { resolve: () => void; reject: (err: unknown) => void }[] = [];
  #retryAt = 0;
  #closing = false;
  readonly counters = { compactions: 0, failed: 0, snapshotBytes: 0 };

  constructor(private readonly p: CompactorParts) {}

  /** True once {@link close} was called: a snapshot still being written is abandoned. */
  get closing(): boolean {
    return this.#closing;
  }

  /** Resolves once a compaction that starts after this call has finished (rejects if it fails). */
  async request(): Promise<void> {
    await this.#running?.catch(() => {});
    const done = new Promise<void>((resolve, reject) => this.#waiters.push({ resolve, reject }));
    this.#want();
    return done;
  }

  /** Called after each durable append: wants a compaction once the journal has outgrown the snapshot. */
  check(): void {
    if (this.#running || this.#wanted || this.#closing || Date.now() < this.#retryAt) return;
    const { minJournalBytes, journalRatio } = this.p.policy;
    if (this.p.journal.bytes < Math.max(minJournalBytes, journalRatio * this.p.adapter.bytes)) return;
    this.#want();
  }

  /**
   * Inside a commit, before its frame is appended: starts the wanted compaction, if any.
   * Returns the gate to open with the frame's outcome, or null.
   */
  async begin(batchHasFrame: boolean): Promise<CompactionGate | null> {
    if (!this.#wanted || this.#running || this.#closing) return null;
    this.#wanted = false;
    const { journal, logger, ns } = this.p;
    // The capture includes this batch, so it is valid only once this batch's frame is durable.
    const gate = this.#start(batchHasFrame ? journal.nextSeq : journal.nextSeq - 1);
    try {
      await journal.rotate();
      this.p.onStep?.(ns, 'journal-rotated');
      return gate;
    } catch (err) {
      logger.warn({ err, namespace: ns }, 'could not start a new journal segment; compaction postponed');
      gate(err as Error);
      return null;
    }
  }

  /** Abandons a snapshot still being written and waits for it to stop. */
  async close(): Promise<void> {
    this.#closing = true;
    await this.#running?.catch(() => {});
  }

  #want(): void {
    this.#wanted = true;
    this.p.kick();
  }

  /** Captures the document as of journal frame `through` (in lowdb's write) and writes it in the background. */
  #start(through: number): CompactionGate {
    const { low, adapter, journal, logger, ns } = this.p;
    let open!: CompactionGate;
    const gate = new Promise<true | Error>((resolve) => {
      open = resolve;
    });
    const waiters = this.#waiters.splice(0);
    low.data.through = through;
    adapter.stage(gate);
    const run = low.write().then(async () => {
      this.counters.snapshotBytes += adapter.bytes;
      await journal.dropWhere((seg) => seg.lastFrame <= through);
      this.p.onStep?.(ns, 'journal-dropped');
      this.counters.compactions++;
      logger.debug({ namespace: ns, through, snapshotBytes: adapter.bytes }, 'storage namespace compacted');
    });
    this.#running = run.then(
      () => {
        for (const w of waiters) w.resolve();
      },
      (err: unknown) => {
        const cause = err instanceof SnapshotAbandoned ? err.cause : err;
        if (!(err instanceof SnapshotAbandoned)) {
          this.counters.failed++;
          this.#retryAt = Date.now() + RETRY_MS;
          logger.warn(
            { err, namespace: ns },
            'storage compaction failed; the journal keeps every change, and compaction is retried later',
          );
        }
        const reason =
          cause === undefined
            ? omegaError(
                'OMEGA_ERR_STORAGE_CLOSED',
                `Compaction of "${ns}" was abandoned: storage is closing.`,
              )
            : writeFailed(cause, `Compacting storage namespace "${ns}"`, { namespace: ns });
        for (const w of waiters) w.reject(reason);
      },
    );
    void this.#running.finally(() => {
      this.#running = null;
      if (this.#waiters.length > 0) this.#want();
      else this.check();
    });
    return open;
  }
}
