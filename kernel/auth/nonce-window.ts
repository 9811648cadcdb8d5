import { omegaError } from '../errors/index.js';

/**
 * Nonces seen within the replay window. A request's timestamp must lie within `windowMs` of
 * now, and its nonce must not have been seen for that key within the window: together they
 * make every signed request usable once. Bounded: when full of live nonces it refuses new
 * ones (OMEGA_ERR_RATE_LIMITED) rather than forget one that could still be replayed.
 */
export class NonceWindow {
  #seen = new Map<string, number>();

  constructor(
    readonly windowMs = 5 * 60_000,
    private readonly max = 100_000,
    private readonly now: () => number = Date.now,
  ) {}

  /** Throws OMEGA_ERR_TOKEN_INVALID for a stale or future timestamp or a replayed nonce; records it otherwise. */
  accept(keyId: string, nonce: string, timestamp: number): void {
    const now = this.now();
    if (!Number.isSafeInteger(timestamp) || Math.abs(now - timestamp) > this.windowMs) {
      throw omegaError(
        'OMEGA_ERR_TOKEN_INVALID',
        `The request's timestamp is outside the ${this.windowMs / 1000} s window (check the clock).`,
        { reason: 'timestamp' },
      );
    }
    const key = `${keyId}\n${nonce}`;
    const seen = this.#seen.get(key);
    if (seen !== undefined && seen > now) {
      throw omegaError('OMEGA_ERR_TOKEN_INVALID', 'The request was replayed: its nonce was already used.', {
        reason: 'replay',
      });
    }
    if (this.#seen.size >= this.max) this.#prune(now);
    if (this.#seen.size >= this.max) {
      throw omegaError(
        'OMEGA_ERR_RATE_LIMITED',
        'Too many signed requests in the replay window; retry shortly.',
        {
          retryAfterSec: 1,
        },
      );
    }
    // Remember it until the timestamp can no longer pass the window check.
    this.#seen.set(key, timestamp + this.windowMs);
  }

  get size(): number {
    return this.#seen.size;
  }

  #prune(now: number): void {
    for (const [k, until] of this.#seen) if (until <= now) this.#seen.delete(k);
  }
}
