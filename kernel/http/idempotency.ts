import { createHash } from 'node:crypto';
import { type OmegaError, omegaError } from '../errors/index.js';
import type { NamespaceView } from '../storage/index.js';

/** A completed first answer, kept to be replayed. */
export interface KeptResponse {
  status: number;
  headers: Record<string, string>;
  /** The body (a JSON or text answer), or null. */
  body: string | null;
}

interface Entry {
  fingerprint: string;
  at: number;
  response?: KeptResponse;
}

/** Options of {@link createIdempotency}. */
export interface IdempotencyOptions {
  /** Where completed answers survive a restart (a kernel namespace); memory only without. */
  storage?: NamespaceView;
  /** How long a key is kept, ms (default 24 h). */
  ttlMs?: number;
  /** Most keys kept, all principals together (default 10 000; the oldest go first). */
  maxKeys?: number;
  /** Largest body kept for replay, bytes (default 256 KiB; a larger answer releases its key). */
  maxBodyBytes?: number;
}

/**
 * What {@link Idempotency.begin} decided for a request. `complete` takes the answer and, when
 * the kernel answered with an error it raised (not a handler's own response), that error's code:
 * only the kernel's OMEGA_ERR_OUTCOME_UNKNOWN keeps a 5xx — a body cannot claim it.
 */
export type IdempotencyStart =
  | { kind: 'run'; complete: (res: Response, errorCode?: string) => Promise<void> }
  | { kind: 'replay'; response: KeptResponse };

/** Mutating requests with an `Idempotency-Key`: the first runs, a retry gets its answer again. */
export interface Idempotency {
  /**
   * Claims `key` for `scope` (the principal) and this request's `fingerprint` (method, path,
   * body). Throws OMEGA_ERR_IDEMPOTENCY_IN_PROGRESS while the first is running, and
   * OMEGA_ERR_IDEMPOTENCY_KEY_REUSED when the key was used for another request.
   */
  begin(scope: string, key: string, fingerprint: string): Promise<IdempotencyStart>;
  /** Loads the kept keys (after a restart). */
  load(): Promise<void>;
}

const COLLECTION = 'idempotency-keys';
/** An Idempotency-Key: 1–128 visible ASCII characters (a UUID fits). */
const KEY_RE = /^[\x21-\x7e]{1,128}$/;

/** Checks an `Idempotency-Key` header value; throws OMEGA_ERR_VALIDATION when it is not one. */
export function checkIdempotencyKey(value: string): string {
  if (!KEY_RE.test(value)) {
    throw omegaError('OMEGA_ERR_VALIDATION', 'Idempotency-Key must be 1–128 visible ASCII characters.', {
      errors: [{ field: 'Idempotency-Key', message: '1–128 visible ASCII characters' }],
    });
  }
  return value;
}

/** The fingerprint of a request: method, path (with its query string, as sent) and the body as parsed (or absent). */
export function requestFingerprint(method: string, path: string, body: unknown): string {
  return createHash('sha256')
    .update(`${method}\0${path}\0${body === undefined ? '' : JSON.stringify(body)}`)
    .digest('base64url');
}

/** Headers a replayed answer keeps. */
const KEPT_HEADERS = ['content-type', 'location', 'etag'];

/**
 * Creates the kernel's idempotency keys: per principal, kept `ttlMs` and at most `maxKeys`,
 * completed answers (any status below 500) written to `storage` so a retry after a kernel
 * restart still gets them. OMEGA_ERR_OUTCOME_UNKNOWN is kept too: the change may have been
 * applied, so a retry must never run it a second time — it gets the same answer, and the client
 * reads the resource back. Any other 5xx means nothing was done: it releases the key.
 */
export function createIdempotency(opts: IdempotencyOptions = {}): Idempotency {
  const ttlMs = opts.ttlMs ?? 24 * 3_600_000;
  const maxKeys = opts.maxKeys ?? 10_000;
  const maxBodyBytes = opts.maxBodyBytes ?? 256 * 1024;
  const entries = new Map<string, Entry>(); // insertion order = age
  const storeId = (id: string) => createHash('sha256').update(id).digest('base64url');

  const forget = (id: string): void => {
    entries.delete(id);
    if (opts.storage) void opts.storage.delete(COLLECTION, storeId(id)).catch(() => {});
  };

  const prune = (now: number): void => {
    for (const [id, e] of entries) {
      if (entries.size <= maxKeys && e.at > now - ttlMs) break;
      if (!e.response && e.at > now - ttlMs) continue; // a running first request keeps its claim
      forget(id);
    }
  };

  const conflict = (
    code: 'OMEGA_ERR_IDEMPOTENCY_IN_PROGRESS' | 'OMEGA_ERR_IDEMPOTENCY_KEY_REUSED',
  ): OmegaError =>
    code === 'OMEGA_ERR_IDEMPOTENCY_IN_PROGRESS'
      ? omegaError(code, 'The first request with this Idempotency-Key is still running.', {
          retryAfterSec: 1,
        })
      : omegaError(code, 'This Idempotency-Key was used for a different request.');

  return {
    async load() {
      if (!opts.storage) return;
      const now = Date.now();
      const kept: [string, Entry & { id: string }][] = [];
      let cursor: string | undefined;
      do {
        const page = await opts.storage.list<Entry & { id: string }>(COLLECTION, {
          limit: 1000,
          ...(cursor ? { cursor } : {}),
        });
        for (const r of page.items) {
          if (r.value.at > now - ttlMs && r.value.response) kept.push([r.value.id, r.value]);
          else void opts.storage.delete(COLLECTION, r.id).catch(() => {});
        }
        cursor = page.nextCursor;
      } while (cursor);
      kept.sort((a, b) => a[1].at - b[1].at);
      for (const [id, { fingerprint, at, response }] of kept) {
        entries.set(id, { fingerprint, at, ...(response ? { response } : {}) });
      }
      prune(now);
    },

    async begin(scope, key, fingerprint) {
      const id = `${scope}\0${key}`;
      const now = Date.now();
      const found = entries.get(id);
      if (found && found.at > now - ttlMs) {
        if (found.fingerprint !== fingerprint) throw conflict('OMEGA_ERR_IDEMPOTENCY_KEY_REUSED');
        if (!found.response) throw conflict('OMEGA_ERR_IDEMPOTENCY_IN_PROGRESS');
        return { kind: 'replay', response: found.response };
      }
      const entry: Entry = { fingerprint, at: now };
      entries.delete(id);
      entries.set(id, entry);
      prune(now);
      return {
        kind: 'run',
        complete: async (res, errorCode) => {
          if (entries.get(id) !== entry) return;
          const length = Number(res.headers.get('content-length') ?? '0');
          const type = res.headers.get('content-type');
          // Kept as text: a binary answer is not replayed (its key is released).
          // Told by the kernel, never read from the body: a plugin's own 5xx naming the code releases the key.
          const fiveHundredKept = res.status >= 500 && errorCode === 'OMEGA_ERR_OUTCOME_UNKNOWN';
          if (
            (res.status >= 500 && !fiveHundredKept) ||
            length > maxBodyBytes ||
            (type !== null && !/json|text/i.test(type))
          ) {
            entries.delete(id);
            return;
          }
          const bytes = res.body === null ? null : Buffer.from(await res.clone().arrayBuffer());
          if (bytes && bytes.length > maxBodyBytes) {
            entries.delete(id);
            return;
          }
          const headers: Record<string, string> = {};
          for (const h of KEPT_HEADERS) {
            const v = res.headers.get(h);
            if (v !== null) headers[h] = v;
          }
          entry.response = { status: res.status, headers, body: bytes ? bytes.toString('utf8') : null };
          if (opts.storage) {
            await opts.storage.set(COLLECTION, storeId(id), { id, ...entry });
          }
        },
      };
    },
  };
}
