import type { CompiledPattern } from './compile-pattern.js';
import type { BusEvent, EventHandler, ResyncInfo } from './event-bus.js';

/**
 * One subscription's state inside the bus: a replay backlog (bounded by the replay window)
 * followed by a bounded queue of live events. The bus decides when to drain it.
 */
export class Subscriber {
  /** Highest seq enqueued so far: de-duplicates a topic matched by several patterns. */
  lastEnqueued: number;
  /** Waiting in the bus's ready list. */
  scheduled = false;
  /** Its handler's promise has not settled yet. */
  busy = false;
  closed = false;
  #backlog: BusEvent[];
  #backlogPos = 0;
  #queue: BusEvent[] = [];

  constructor(
    readonly id: number,
    readonly patterns: readonly CompiledPattern[],
    readonly handler: EventHandler,
    readonly maxQueue: number,
    readonly onResync: ((info: ResyncInfo) => void) | undefined,
    backlog: BusEvent[],
    lastSeq: number,
  ) {
    this.#backlog = backlog;
    this.lastEnqueued = lastSeq;
  }

  /** Events not yet handed to the handler. */
  pending(): number {
    return this.#backlog.length - this.#backlogPos + this.#queue.length;
  }

  /** Queues a live event; false when the queue is full (the subscriber must be cut off). */
  enqueue(event: BusEvent): boolean {
    if (this.#queue.length >= this.maxQueue) return false;
    this.#queue.push(event);
    this.lastEnqueued = event.seq;
    return true;
  }

  /** The next batch (backlog first, at most maxQueue events), or null when nothing is pending. */
  takeBatch(): BusEvent[] | null {
    if (this.#backlogPos < this.#backlog.length) {
      const end = Math.min(this.#backlog.length, this.#backlogPos + this.maxQueue);
      const batch = this.#backlog.slice(this.#backlogPos, end);
      this.#backlogPos = end;
      if (end === this.#backlog.length) {
        this.#backlog = [];
        this.#backlogPos = 0;
      }
      return batch;
    }
    if (this.#queue.length === 0) return null;
    const batch = this.#queue;
    this.#queue = [];
    return batch;
  }

  /** Marks it closed and drops everything queued. */
  close(): void {
    this.closed = true;
    this.#backlog = [];
    this.#backlogPos = 0;
    this.#queue = [];
  }
}
