/** One change to in-memory state that a {@link GroupCommit} makes durable. */
export interface Mutation<R> {
  /** Applies the change and returns what the caller gets once it is durable; throws to refuse. */
  apply(): R;
  /** Reverts the last successful `apply()`. */
  undo(): void;
}

/** Counters of one group commit (for tests, benches and metrics). */
export interface GroupCommitStats {
  /** Mutations acknowledged (on disk). */
  mutations: number;
  /** Successful writes of a non-empty batch. */
  writes: number;
  /** Failed file writes. */
  failedWrites: number;
}

interface Entry<M> {
  mutation: M;
  result: unknown;
  resolve: (value: unknown) => void;
  reject: (err: unknown) => void;
}

interface Batch<M> {
  entries: Entry<M>[];
  /** Settles with the batch's write; handled, so nobody must await it. */
  done: Promise<void>;
  settle: (err?: unknown) => void;
}

function newBatch<M>(): Batch<M> {
  let settle!: (err?: unknown) => void;
  const done = new Promise<void>((resolve, reject) => {
    settle = (err) => (err === undefined ? resolve() : reject(err));
  });
  done.catch(() => {});
  return { entries: [], done, settle };
}

/**
 * Group commit: mutations apply to memory at once and each caller's promise resolves after
 * the write that carries its mutation. With no write in flight, the next write starts in a
 * microtask after the first pending mutation, so it carries everything submitted by then
 * (the same synchronous run and its promise continuations) and a lone client waits for no
 * timer or event-loop turn; while a write is in flight, new mutations gather for the next
 * one, which starts as soon as it ends. After a failed write, the next waits a turn
 * (setImmediate), so the failure's handlers run first. The write is handed the batch's
 * mutations (e.g. to journal them).
 *
 * A failed write rolls back: later mutations are undone, the failed batch is undone and
 * rejected with the write's error, then the later mutations are re-applied on the restored
 * state (one that no longer fits, e.g. a version conflict, is rejected with its own error)
 * and carried by the next write. Memory never holds a change the caller was told failed.
 */
export class GroupCommit<M extends Mutation<unknown> = Mutation<unknown>> {
  private pending: Batch<M> | null = null;
  private inFlight: Batch<M> | null = null;
  private scheduled = false;
  private kicked = false;
  private readonly counters: GroupCommitStats = { mutations: 0, writes: 0, failedWrites: 0 };

  /**
   * @param write makes the batch durable (it has been applied to memory already, in order);
   *   rejects on failure, and the batch is then rolled back. Called for an empty batch after
   *   {@link kick}.
   */
  constructor(private readonly write: (batch: readonly M[]) => Promise<void>) {}

  /** Applies `mutation` now (a throw rejects without applying) and resolves once it is on disk. */
  submit<R>(mutation: M & Mutation<R>): Promise<R> {
    let result: R;
    try {
      result = (mutation as Mutation<R>).apply();
    } catch (err) {
      return Promise.reject(err);
    }
    this.pending ??= newBatch();
    const batch: Batch<M> = this.pending;
    const promise = new Promise<R>((resolve, reject) => {
      batch.entries.push({ mutation, result, resolve: resolve as (v: unknown) => void, reject });
    });
    this.schedule();
    return promise;
  }

  /** Resolves when every mutation submitted so far is on disk; rejects when the last write failed. */
  flush(): Promise<void> {
    return (this.pending ?? this.inFlight)?.done ?? Promise.resolve();
  }

  /** Runs a write soon even if nothing is pending (the writer may have work of its own, e.g. a compaction). */
  kick(): void {
    this.kicked = true;
    this.schedule();
  }

  /** True while a write is pending or in flight. */
  get busy(): boolean {
    return this.pending !== null || this.inFlight !== null;
  }

  stats(): GroupCommitStats {
    return { ...this.counters };
  }

  private schedule(afterFailure = false): void {
    if (this.scheduled || this.inFlight) return;
    this.scheduled = true;
    if (afterFailure) setImmediate(this.runNow);
    else queueMicrotask(this.runNow);
  }

  private readonly runNow = (): void => void this.run();

  private async run(): Promise<void> {
    this.scheduled = false;
    const batch = this.pending ?? newBatch<M>();
    this.pending = null;
    this.inFlight = batch;
    this.kicked = false;
    let failed = false;
    let error: unknown;
    try {
      await this.write(batch.entries.map((e) => e.mutation));
    } catch (err) {
      failed = true;
      error = err;
    }
    this.inFlight = null;
    if (!failed) {
      if (batch.entries.length > 0) this.counters.writes++;
      this.counters.mutations += batch.entries.length;
      for (const e of batch.entries) e.resolve(e.result);
      batch.settle();
    } else {
      this.counters.failedWrites++;
      this.rollBack(batch, error);
    }
    if (this.pending || this.kicked) this.schedule(failed);
  }

  private rollBack(failed: Batch<M>, error: unknown): void {
    const later = this.pending?.entries ?? [];
    for (let i = later.length - 1; i >= 0; i--) later[i]!.mutation.undo();
    for (let i = failed.entries.length - 1; i >= 0; i--) failed.entries[i]!.mutation.undo();
    for (const e of failed.entries) e.reject(error);
    failed.settle(error);
    if (this.pending) {
      const kept: Entry<M>[] = [];
      for (const e of later) {
        try {
          e.result = e.mutation.apply();
          kept.push(e);
        } catch (err) {
          e.reject(err);
        }
      }
      this.pending.entries = kept;
    }
  }
}
