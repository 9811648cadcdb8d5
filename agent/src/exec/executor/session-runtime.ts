import type { FSWatcher } from 'node:fs';
import type { SessionContainer } from '../session-container.js';
import type { SessionStatus } from '../session-types.js';
import type { SessionRecord } from '../state/session-record.js';

/** One session the executor is watching: its record, what holds its processes, timers and the per-session lock. */
export class SessionRuntime {
  record: SessionRecord;
  readonly dir: string;
  readonly container: SessionContainer;
  watcher: FSWatcher | null = null;
  deadlineTimer: NodeJS.Timeout | null = null;
  /** Set while the end is being processed (so it happens once). */
  finalizing: Promise<void> | null = null;
  /** False until start() published `running` and set up the watch (the monitor leaves it alone until then). */
  ready = true;
  /** When the supervisor was first seen gone without an exit record (it may be writing it). */
  supervisorGoneAtMs: number | null = null;
  /** The phase changes queued so far (setPhase applies them one after another, in call order). */
  phaseWrites: Promise<void> = Promise.resolve();
  private lock: Promise<unknown> = Promise.resolve();
  private readonly endWaiters: ((s: SessionStatus) => void)[] = [];

  constructor(record: SessionRecord, dir: string, container: SessionContainer) {
    this.record = record;
    this.dir = dir;
    this.container = container;
  }

  get id(): string {
    return this.record.status.id;
  }

  get phase(): SessionStatus['phase'] {
    return this.record.status.phase;
  }

  /** Runs `fn` after every earlier pause/resume/terminate of this session finished. */
  exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.lock.then(fn, fn);
    this.lock = run.catch(() => {});
    return run;
  }

  /** Resolves with the final status once the session ended. */
  ended(): Promise<SessionStatus> {
    if (this.phase === 'ended') return Promise.resolve(structuredClone(this.record.status));
    return new Promise((resolve) => this.endWaiters.push(resolve));
  }

  /** Stops timers and watchers; wakes whoever waits for the end. */
  settle(): void {
    this.watcher?.close();
    this.watcher = null;
    if (this.deadlineTimer) clearTimeout(this.deadlineTimer);
    this.deadlineTimer = null;
    if (this.phase === 'ended')
      for (const w of this.endWaiters.splice(0)) w(structuredClone(this.record.status));
  }
}
