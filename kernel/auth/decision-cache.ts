import type { Principal } from './principal.js';

/** One cached authentication decision: who a credential stands for, until when. */
export interface CachedDecision {
  principal: Principal;
  /** Epoch ms after which the entry is ignored (the token's `exp`, or a short TTL for API tokens). */
  expiresAt: number;
  /** The subject (user id) it belongs to, for `security.user.changed`. */
  sub: string;
  /** The refresh-token family of an access token. */
  family?: string;
  /** The credential's id (access token `jti`, API token id, agent key id). */
  credentialId: string;
}

/** What a revocation names: any one matching field drops an entry. */
export interface Revocation {
  sub?: string;
  family?: string;
  credentialId?: string;
}

/**
 * Verified decisions by credential, so a request with a known token costs a map lookup
 * instead of a signature check and a provider call. Bounded (oldest dropped first).
 * `generation` moves on every invalidation: a lookup that started before one must not
 * cache its result (it may have raced a revocation).
 */
export class DecisionCache {
  #entries = new Map<string, CachedDecision>();
  #generation = 0;

  constructor(private readonly max = 10_000) {}

  get generation(): number {
    return this.#generation;
  }

  get size(): number {
    return this.#entries.size;
  }

  /** The live entry for `key`, or undefined (an expired entry is dropped). */
  get(key: string, now: number): CachedDecision | undefined {
    const hit = this.#entries.get(key);
    if (hit === undefined) return undefined;
    if (hit.expiresAt <= now) {
      this.#entries.delete(key);
      return undefined;
    }
    return hit;
  }

  /** Caches `entry` unless an invalidation happened since `generation` was read. */
  set(key: string, entry: CachedDecision, generation: number): boolean {
    if (generation !== this.#generation) return false;
    if (this.#entries.size >= this.max) {
      const oldest = this.#entries.keys().next().value;
      if (oldest !== undefined) this.#entries.delete(oldest);
    }
    this.#entries.set(key, entry);
    return true;
  }

  /** Drops every entry the revocation names; returns how many. */
  revoke(r: Revocation): number {
    this.#generation++;
    let dropped = 0;
    for (const [key, e] of this.#entries) {
      if (
        (r.sub !== undefined && e.sub === r.sub) ||
        (r.family !== undefined && e.family === r.family) ||
        (r.credentialId !== undefined && e.credentialId === r.credentialId)
      ) {
        this.#entries.delete(key);
        dropped++;
      }
    }
    return dropped;
  }

  /** Drops everything (e.g. when the provider changes). */
  clear(): void {
    this.#generation++;
    this.#entries.clear();
  }
}
