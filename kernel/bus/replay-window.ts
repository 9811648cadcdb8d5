import type { BusEvent } from './event-bus.js';

/**
 * The retained tail of the event stream: a ring buffer bounded by count, by age and by bytes
 * (the JSON length of each event, given by the publisher), oldest dropped first. Retained
 * seqs increase; they are usually contiguous, but need not be (after a restart from disk,
 * or a durable publish that failed).
 */
export class ReplayWindow {
  readonly #buf: (BusEvent | undefined)[];
  readonly #sizes: Float64Array;
  readonly #maxAgeMs: number;
  readonly #maxBytes: number;
  #head = 0;
  #size = 0;
  #bytes = 0;

  constructor(maxEvents: number, maxAgeMs: number, maxBytes = Number.POSITIVE_INFINITY) {
    this.#buf = new Array<BusEvent | undefined>(maxEvents).fill(undefined);
    this.#sizes = new Float64Array(maxEvents);
    this.#maxAgeMs = maxAgeMs;
    this.#maxBytes = maxBytes;
  }

  /** Number of retained events. */
  get size(): number {
    return this.#size;
  }

  /** Sum of the byte sizes of the retained events. */
  get bytes(): number {
    return this.#bytes;
  }

  /** Seq of the newest retained event, or undefined when empty. */
  get newestSeq(): number | undefined {
    return this.#at(this.#size - 1)?.seq;
  }

  /** Seq of the oldest retained event, or undefined when empty. */
  get oldestSeq(): number | undefined {
    return this.#at(0)?.seq;
  }

  /**
   * Appends an event of `bytes` bytes (its seq must be above the newest), dropping the oldest
   * while the count or byte bound would be passed. The newest event is always kept.
   */
  push(event: BusEvent, bytes = 0): void {
    const cap = this.#buf.length;
    if (this.#size === cap) this.#dropOldest();
    while (this.#size > 0 && this.#bytes + bytes > this.#maxBytes) this.#dropOldest();
    const slot = (this.#head + this.#size) % cap;
    this.#buf[slot] = event;
    this.#sizes[slot] = bytes;
    this.#bytes += bytes;
    this.#size++;
  }

  /** Drops events older than the age bound at `now`. */
  evict(now: number): void {
    for (let e = this.#at(0); e !== undefined && now - e.time > this.#maxAgeMs; e = this.#at(0)) {
      this.#dropOldest();
    }
  }

  /** Retained events with seq > `since`, oldest first (caller checks that none are missing). */
  after(since: number): BusEvent[] {
    // Seqs increase but may skip (a seq whose durable write failed was never shown): search.
    let lo = 0;
    let hi = this.#size;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.#at(mid)!.seq <= since) lo = mid + 1;
      else hi = mid;
    }
    const out: BusEvent[] = [];
    for (let i = lo; i < this.#size; i++) out.push(this.#at(i)!);
    return out;
  }

  /** Empties the window. */
  clear(): void {
    this.#buf.fill(undefined);
    this.#head = 0;
    this.#size = 0;
    this.#bytes = 0;
  }

  #at(i: number): BusEvent | undefined {
    return i < this.#size ? this.#buf[(this.#head + i) % this.#buf.length] : undefined;
  }

  #dropOldest(): void {
    this.#buf[this.#head] = undefined;
    this.#bytes -= this.#sizes[this.#head]!;
    this.#head = (this.#head + 1) % this.#buf.length;
    this.#size--;
  }
}
