import type { AuditEntry, AuditLog } from './audit-log.js';
import { refuse } from './http.js';

/** Filters of `GET /audit`. */
export interface AuditQuery {
  actor?: string;
  action?: string;
  outcome?: string;
  /** ISO times, inclusive. */
  since?: string;
  until?: string;
  limit: number;
  /** Entries after this seq (the previous page's `nextCursor`). */
  after: number;
}

/** At most this many entries are examined per request; a sparse match returns a cursor to go on. */
const SCAN_BUDGET = 5_000;
const CHUNK = 200;

const ISO = /^\d{4}-\d{2}-\d{2}(T[\d:.]+(Z|[+-]\d{2}:\d{2})?)?$/;

/** Parses the query string of `GET /audit` (400 on bad values). */
export function parseAuditQuery(q: Record<string, string>): AuditQuery {
  const bad = (field: string, message: string): never =>
    refuse(400, 'OMEGA_ERR_VALIDATION', `Query parameter ${field}: ${message}.`, {
      errors: [{ field, message }],
    });
  const out: AuditQuery = { limit: 100, after: 0 };
  if (q.limit !== undefined) {
    const n = Number(q.limit);
    if (!Number.isInteger(n) || n < 1 || n > 1000) bad('limit', 'an integer 1–1000');
    out.limit = n;
  }
  if (q.cursor !== undefined) {
    if (!/^\d{1,12}$/.test(q.cursor)) bad('cursor', 'use the nextCursor of the previous page');
    out.after = Number(q.cursor);
  }
  for (const f of ['since', 'until'] as const) {
    const v = q[f];
    if (v === undefined) continue;
    if (!ISO.test(v) || Number.isNaN(Date.parse(v))) bad(f, 'an ISO 8601 time');
    out[f] = new Date(v).toISOString();
  }
  if (q.outcome !== undefined && !['success', 'failure', 'denied'].includes(q.outcome)) {
    bad('outcome', 'success, failure or denied');
  }
  for (const f of ['actor', 'action', 'outcome'] as const)
    if (q[f] !== undefined) out[f] = q[f]!.slice(0, 128);
  return out;
}

function matches(e: AuditEntry, q: AuditQuery): boolean {
  if (q.actor !== undefined && e.actor !== q.actor) return false;
  if (q.outcome !== undefined && e.outcome !== q.outcome) return false;
  // `action=auth.` style prefixes select a family of actions.
  if (
    q.action !== undefined &&
    !(e.action === q.action || (q.action.endsWith('.') && e.action.startsWith(q.action)))
  )
    return false;
  if (q.since !== undefined && e.time < q.since) return false;
  if (q.until !== undefined && e.time > q.until) return false;
  return true;
}

/**
 * Oldest first, from the entry after `after`: up to `limit` matches, examining at most a
 * scan budget of entries. `nextCursor` is the last examined seq while entries remain.
 */
export async function queryAudit(
  log: AuditLog,
  q: AuditQuery,
): Promise<{ items: AuditEntry[]; nextCursor?: string }> {
  const head = log.head.seq;
  const items: AuditEntry[] = [];
  let seq = q.after;
  const stopAt = Math.min(head, q.after + SCAN_BUDGET);
  while (seq < stopAt && items.length < q.limit) {
    const seqs: number[] = [];
    for (let s = seq + 1; s <= Math.min(stopAt, seq + CHUNK); s++) seqs.push(s);
    const chunk = await Promise.all(seqs.map((s) => log.get(s)));
    for (let i = 0; i < chunk.length; i++) {
      const e = chunk[i];
      seq = seqs[i]!;
      if (!e) continue;
      if (q.until !== undefined && e.time > q.until) return { items };
      if (matches(e, q)) items.push(e);
      if (items.length >= q.limit) break;
    }
  }
  return seq < head ? { items, nextCursor: String(seq) } : { items };
}
