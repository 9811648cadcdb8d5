/** Failed sign-ins in a row before an account is locked. */
export const LOCK_AFTER = 5;
/** First lock: 30 s, doubling per further failure, at most 15 min. */
const LOCK_BASE_MS = 30_000;
const LOCK_MAX_MS = 15 * 60_000;
/** Sign-in attempts per source address per minute. */
export const SOURCE_LIMIT = 30;
const WINDOW_MS = 60_000;
const MAX_TRACKED = 10_000;

interface Failures {
  count: number;
  lockedUntil: number;
}

/** Deletes the oldest entries of a bounded map (insertion order). */
function bound<K, V>(m: Map<K, V>): void {
  while (m.size > MAX_TRACKED) {
    const first = m.keys().next().value;
    if (first === undefined) return;
    m.delete(first);
  }
}

/**
 * Sign-in throttling, kept alike for known and unknown usernames so neither the response nor
 * its timing tells them apart: per source address a fixed window of attempts; per username
 * (lower-cased, whether it exists or not) consecutive failures lock it with exponential
 * back-off. In memory: a restart forgets (bounded maps; the oldest entries go first).
 */
export class LoginLimiter {
  #accounts = new Map<string, Failures>();
  #sources = new Map<string, { start: number; count: number }>();

  constructor(private readonly now: () => number = Date.now) {}

  /** Counts an attempt from `source`; seconds to wait when over the limit, else 0. */
  hitSource(source: string): number {
    const now = this.now();
    const w = this.#sources.get(source);
    if (!w || now - w.start >= WINDOW_MS) {
      this.#sources.delete(source);
      this.#sources.set(source, { start: now, count: 1 });
      bound(this.#sources);
      return 0;
    }
    w.count++;
    return w.count > SOURCE_LIMIT ? Math.ceil((w.start + WINDOW_MS - now) / 1000) : 0;
  }

  /** Seconds `username` stays locked, or 0. */
  lockedFor(username: string): number {
    const f = this.#accounts.get(username.toLowerCase());
    const left = f ? f.lockedUntil - this.now() : 0;
    return left > 0 ? Math.ceil(left / 1000) : 0;
  }

  /** Records a failure; returns the failure count. */
  fail(username: string): number {
    const key = username.toLowerCase();
    const f = this.#accounts.get(key) ?? { count: 0, lockedUntil: 0 };
    f.count++;
    if (f.count >= LOCK_AFTER) {
      f.lockedUntil = this.now() + Math.min(LOCK_MAX_MS, LOCK_BASE_MS * 2 ** (f.count - LOCK_AFTER));
    }
    this.#accounts.delete(key);
    this.#accounts.set(key, f);
    bound(this.#accounts);
    return f.count;
  }

  /** A successful sign-in clears the account's failures. */
  succeed(username: string): void {
    this.#accounts.delete(username.toLowerCase());
  }
}
