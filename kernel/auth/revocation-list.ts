import type { NamespaceView } from '../storage/index.js';
import type { Revocation } from './decision-cache.js';

/** What a token is checked against: who it is for, its ids and when it was issued. */
export interface RevocationSubject {
  sub: string;
  family?: string;
  credentialId: string;
  /** Issued at, epoch ms. */
  issuedAt: number;
}

interface Kept extends Revocation {
  /** When the revocation was heard, epoch ms: it covers credentials issued at or before it. */
  at: number;
}

/** Options of {@link createRevocationList}. */
export interface RevocationListOptions {
  /** Where the list survives a kernel restart (a kernel namespace); memory only without. */
  storage?: NamespaceView;
  /** How long a revocation is kept, ms: at least the longest access-token lifetime (default 24 h). */
  ttlMs?: number;
  /** Most revocations kept (default 10 000; the oldest go first). */
  max?: number;
  now?: () => number;
}

/**
 * The revocations the kernel heard (security.token.revoked, security.user.changed), kept on its
 * own, bounded and persisted, so that while the auth provider is down (restarting, quarantined)
 * a token the kernel accepts on its signature alone is still refused once revoked.
 */
export interface RevocationList {
  add(r: Revocation): void;
  /** True when a kept revocation covers this credential. */
  covers(s: RevocationSubject): boolean;
  /** Loads the kept revocations (at start). */
  load(): Promise<void>;
  readonly size: number;
}

const COLLECTION = 'revocations';

/** Creates the kernel's {@link RevocationList}. */
export function createRevocationList(opts: RevocationListOptions = {}): RevocationList {
  const ttlMs = opts.ttlMs ?? 24 * 3_600_000;
  const max = opts.max ?? 10_000;
  const now = opts.now ?? Date.now;
  const list: Kept[] = [];
  let seq = 0;

  const prune = (): void => {
    const cutoff = now() - ttlMs;
    while (list.length > 0 && (list.length > max || list[0]!.at < cutoff)) list.shift();
  };

  return {
    get size() {
      return list.length;
    },
    add(r) {
      const kept: Kept = { ...r, at: now() };
      list.push(kept);
      prune();
      if (opts.storage) {
        // One record per revocation, ids in time order; old ones are pruned on load.
        const id = `${String(kept.at).padStart(15, '0')}-${(seq++ % 1e6).toString().padStart(6, '0')}`;
        void opts.storage.set(COLLECTION, id, kept).catch(() => {});
      }
    },
    covers(s) {
      for (let i = list.length - 1; i >= 0; i--) {
        const r = list[i]!;
        if (r.credentialId !== undefined && r.credentialId === s.credentialId) return true;
        if (r.family !== undefined && r.family === s.family) return true;
        if (r.sub !== undefined && r.sub === s.sub && s.issuedAt <= r.at) return true;
      }
      return false;
    },
    async load() {
      if (!opts.storage) return;
      const cutoff = now() - ttlMs;
      const kept: Kept[] = [];
      let cursor: string | undefined;
      do {
        const page = await opts.storage.list<Kept>(COLLECTION, {
          limit: 1000,
          ...(cursor ? { cursor } : {}),
        });
        for (const r of page.items) {
          if (r.value.at >= cutoff) kept.push(r.value);
          else void opts.storage.delete(COLLECTION, r.id).catch(() => {});
        }
        cursor = page.nextCursor;
      } while (cursor);
      list.unshift(...kept.sort((a, b) => a.at - b.at));
      prune();
    },
  };
}
