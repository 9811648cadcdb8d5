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
 * How many trailing characters of a credential name its slot: the random end of a token. Six
 * base64url characters of a JWT's EdDSA signature carry 32 random bits and of an API token 34, more
 * than the slot number keeps (30), so more would only cost a longer walk (12 cost ~8 ns more per
 * lookup, bench/authorize-known-ab.ts).
 */
const SLOT_CHARS = 6;
/** The scheme prefix of an Authorization header carrying a bearer token, as clients send it. */
const BEARER = 'Bearer ';

/**
 * The slot of the key that starts at `from` in `s` (0 for a bare key, 7 in `Bearer <key>`): a
 * small integer from the key's last {@link SLOT_CHARS} characters, read in place. A Map keyed
 * by a small integer needs no string hashed or cut per request (a 32-character tail cut and
 * hashed cost ~135 ns of a ~200 ns lookup, measured in-process).
 */
function slotOf(s: string, from: number): number {
  let h = 0;
  for (let i = Math.max(from, s.length - SLOT_CHARS); i < s.length; i++)
    h = (Math.imul(h, 31) + s.charCodeAt(i)) | 0;
  return h & 0x3fffffff;
}

interface Slot {
  key: string;
  /** `Bearer <key>`, as a client sends it: a lookup by header is then one string compare. */
  header: string;
  entry: CachedDecision;
}

/**
 * Verified decisions by credential, so a request with a known token costs a map lookup
 * instead of a signature check and a provider call. Bounded (oldest dropped first).
 * `generation` moves on every invalidation: a lookup that started before one must not
 * cache its result (it may have raced a revocation).
 *
 * Credentials are long (an access token is ~400 characters) and arrive as a new string on
 * every request, so hashing the whole key would cost a pass over it each time: entries sit
 * in a slot numbered from the key's last {@link SLOT_CHARS} characters (a JWT's signature, an
 * API token's random part) and a hit is confirmed by comparing the whole key (or the whole
 * header). Only verified credentials are ever stored; two sharing a slot only displace each other.
 */
export class DecisionCache {
  #slots = new Map<number, Slot>();
  #generation = 0;

  constructor(private readonly max = 10_000) {}

  get generation(): number {
    return this.#generation;
  }

  get size(): number {
    return this.#slots.size;
  }

  /** The live entry for `key`, or undefined (an expired entry is dropped). */
  get(key: string, now: number): CachedDecision | undefined {
    const slot = slotOf(key, 0);
    const hit = this.#slots.get(slot);
    if (hit === undefined || hit.key !== key) return undefined;
    return this.#live(slot, hit, now);
  }

  /**
   * The live entry for an `Authorization` header value exactly as sent, `Bearer <key>`: what
   * `get(header.slice(7), now)` answers, without cutting the key out of the header — a known
   * token's request costs one integer-keyed lookup and one string compare.
   */
  getAuthorization(header: string, now: number): CachedDecision | undefined {
    if (header.length <= BEARER.length) return undefined;
    const slot = slotOf(header, BEARER.length);
    const hit = this.#slots.get(slot);
    if (hit === undefined || hit.header !== header) return undefined;
    return this.#live(slot, hit, now);
  }

  /** The entry unless it expired (then it is dropped): one number compare. */
  #live(slot: number, hit: Slot, now: number): CachedDecision | undefined {
    if (hit.entry.expiresAt <= now) {
      this.#slots.delete(slot);
      return undefined;
    }
    return hit.entry;
  }

  /** Caches `entry` unless an invalidation happened since `generation` was read. */
  set(key: string, entry: CachedDecision, generation: number): boolean {
    if (generation !== this.#generation) return false;
    const slot = slotOf(key, 0);
    if (!this.#slots.has(slot) && this.#slots.size >= this.max) {
      const oldest = this.#slots.keys().next().value;
      if (oldest !== undefined) this.#slots.delete(oldest);
    }
    this.#slots.set(slot, { key, header: `${BEARER}${key}`, entry });
    return true;
  }

  /** Drops every entry the revocation names; returns how many. */
  revoke(r: Revocation): number {
    this.#generation++;
    let dropped = 0;
    for (const [slot, { entry: e }] of this.#slots) {
      if (
        (r.sub !== undefined && e.sub === r.sub) ||
        (r.family !== undefined && e.family === r.family) ||
        (r.credentialId !== undefined && e.credentialId === r.credentialId)
      ) {
        this.#slots.delete(slot);
        dropped++;
      }
    }
    return dropped;
  }

  /** Drops everything (e.g. when the provider changes). */
  clear(): void {
    this.#generation++;
    this.#slots.clear();
  }
}
