import type { Logger } from '../log/index.js';
import type { SeqReserve } from './event-bus.js';

/**
 * Hands out global, strictly increasing sequence numbers. With a reservation, it asks the
 * kernel to persist the next ceiling (`reserve(upTo)`) as soon as half of the current block
 * is used, one request at a time, so a restart (which starts at the persisted ceiling) never
 * reuses a seq.
 *
 * If publishing outruns the reservation (the reserve promise is slow or failed), it keeps
 * handing out seqs and logs a warning once per ceiling: losing events would be worse than
 * the small risk of reusing a few seqs after a crash in that window. A failed reservation is
 * logged and retried on the next seq, never in a loop.
 */
export class SeqAllocator {
  #last: number;
  #reserved: number;
  #requested: number;
  #warnedAt = -1;
  #inFlight: Promise<void> | null = null;
  #closed = false;
  readonly #reserve: SeqReserve | undefined;
  readonly #half: number;
  readonly #logger: Logger | undefined;

  constructor(startSeq: number, reserve: SeqReserve | undefined, logger: Logger | undefined) {
    this.#last = startSeq;
    this.#reserved = startSeq;
    this.#requested = startSeq;
    this.#reserve = reserve;
    this.#half = reserve ? Math.max(1, Math.floor(reserve.blockSize / 2)) : 0;
    this.#logger = logger;
    this.#maybeReserve();
  }

  /** The last seq handed out. */
  get last(): number {
    return this.#last;
  }

  /** The highest ceiling confirmed persisted (`startSeq` until the first reservation lands). */
  get reservedCeiling(): number {
    return this.#reserved;
  }

  /** The next seq. */
  next(): number {
    const seq = ++this.#last;
    if (this.#reserve) {
      if (seq > this.#reserved && this.#warnedAt !== this.#reserved) {
        this.#warnedAt = this.#reserved;
        this.#logger?.warn(
          { seq, reservedCeiling: this.#reserved },
          'event seq passed the persisted ceiling before its reservation landed; a crash now could reuse seqs after restart',
        );
      }
      this.#maybeReserve();
    }
    return seq;
  }

  /** Resolves when no reservation is in flight any more. */
  async settled(): Promise<void> {
    while (this.#inFlight) await this.#inFlight;
  }

  /** Stops asking for new reservations. */
  close(): void {
    this.#closed = true;
  }

  #maybeReserve(): void {
    const r = this.#reserve;
    if (!r || this.#closed || this.#inFlight) return;
    if (this.#last + this.#half <= this.#requested) return;
    const upTo = Math.max(this.#requested, this.#last) + r.blockSize;
    this.#requested = upTo;
    let ok = false;
    this.#inFlight = Promise.resolve()
      .then(() => r.reserve(upTo))
      .then(
        () => {
          ok = true;
          this.#reserved = Math.max(this.#reserved, upTo);
        },
        (err: unknown) => {
          this.#requested = this.#reserved;
          this.#logger?.error({ err, upTo }, 'event seq reservation failed; retrying on the next publish');
        },
      )
      .finally(() => {
        this.#inFlight = null;
        if (ok) this.#maybeReserve();
      });
  }
}
