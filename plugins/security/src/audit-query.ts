import { ISO_TIME_HINT, isoTime, parseIsoTime } from '@omega/sdk';
import type { AuditEntry, AuditLog } from './audit-log.js';
import { refuse } from './http.js';

/** Filters of `GET /audit`. */
export interface AuditQuery {
  /** The actor as recorded (a user id, `kernel`, a plugin, `anonymous`), or a username … */
  actor?: string;
  /** … whose user id (resolved by the route) matches too. */
  actorUserId?: string;
  action?: string;
  outcome?: string;
  /** ISO times, inclusive. */
  since?: string;
  until?: string;
  limit: number;
  /** `asc`: oldest first (the default); `desc`: newest first. */
  order: 'asc' | 'desc';
  /**
   * Where the page starts, exclusive: the entries after `seq` in the query's order, or with
   * `back` the page before it (the entries on the other side of `seq`, in the query's order).
   * Absent: from the start (the oldest entry for `asc`, the newest for `desc`).
   */
  cursor?: { seq: number; back: boolean };
}

/** One page: `nextCursor` goes on in the query's order, `prevCursor` back to the page before. */
export interface AuditPage {
  items: AuditEntry[];
  nextCursor?: string;
  prevCursor?: string;
}

/** At most this many entries are examined per request; a sparse match returns a cursor to go on. */
const SCAN_BUDGET = 5_000;
const CHUNK = 200;

/** Parses the query string of `GET /audit` (400 on bad values). */
export function parseAuditQuery(q: Record<string, string>): AuditQuery {
  const bad = (field: string, message: string): never =>
    refuse(400, 'OMEGA_ERR_VALIDATION', `Query parameter ${field}: ${message}.`, {
      errors: [{ field, message }],
    });
  const out: AuditQuery = { limit: 100, order: 'asc' };
  if (q.limit !== undefined) {
    const n = Number(q.limit);
    if (!Number.isInteger(n) || n < 1 || n > 1000) bad('limit', 'an integer 1–1000');
    out.limit = n;
  }
  if (q.order !== undefined) {
    if (q.order !== 'asc' && q.order !== 'desc') bad('order', 'asc (oldest first) or desc (newest first)');
    out.order = q.order as 'asc' | 'desc';
  }
  if (q.cursor !== undefined) {
    const m = /^(b?)(\d{1,12})$/.exec(q.cursor);
    if (!m) bad('cursor', 'use the nextCursor or prevCursor of a page (with the same order)');
    out.cursor = { seq: Number(m![2]), back: m![1] === 'b' };
  }
  for (const f of ['since', 'until'] as const) {
    const v = q[f];
    if (v === undefined) continue;
    const ms = parseIsoTime(v);
    if (Number.isNaN(ms)) bad(f, ISO_TIME_HINT);
    out[f] = isoTime(ms);
  }
  if (q.outcome !== undefined && !['success', 'failure', 'denied'].includes(q.outcome)) {
    bad('outcome', 'success, failure or denied');
  }
  for (const f of ['actor', 'action', 'outcome'] as const)
    if (q[f] !== undefined) out[f] = q[f]!.slice(0, 128);
  return out;
}

function matches(e: AuditEntry, q: AuditQuery): boolean {
  if (q.actor !== undefined && e.actor !== q.actor && e.actor !== q.actorUserId) return false;
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

/** What one scan examined: matches in scan order, the last seq examined, whether entries remain beyond it. */
interface Scan {
  items: AuditEntry[];
  last: number;
  more: boolean;
}

/**
 * Examines entries from `from` (exclusive) one way (`dir` +1: older → newer), collecting up to
 * `limit` matches within the scan budget. Times grow with seq, so `until` (going up) and `since`
 * (going down) end the scan.
 */
async function scan(log: AuditLog, q: AuditQuery, from: number, dir: 1 | -1): Promise<Scan> {
  const head = log.head.seq;
  const items: AuditEntry[] = [];
  const end = dir === 1 ? Math.min(head, from + SCAN_BUDGET) : Math.max(1, from - SCAN_BUDGET);
  let seq = from;
  while ((dir === 1 ? seq < end : seq > end) && items.length < q.limit) {
    const seqs: number[] = [];
    for (let i = 1; i <= CHUNK; i++) {
      const s = seq + dir * i;
      if (dir === 1 ? s > end : s < end) break;
      seqs.push(s);
    }
    const chunk = await Promise.all(seqs.map((s) => log.get(s)));
    for (let i = 0; i < chunk.length; i++) {
      const e = chunk[i];
      seq = seqs[i]!;
      if (!e) continue;
      if (dir === 1 && q.until !== undefined && e.time > q.until) return { items, last: seq, more: false };
      if (dir === -1 && q.since !== undefined && e.time < q.since) return { items, last: seq, more: false };
      if (matches(e, q)) items.push(e);
      if (items.length >= q.limit) break;
    }
  }
  return { items, last: seq, more: dir === 1 ? seq < head : seq > 1 };
}

/**
 * One page of the trail in the query's order, examining at most a scan budget of entries (a
 * sparse match returns a cursor to go on). Cursors are seqs, exclusive: `N` goes on past N in
 * the query's order, `bN` is the page before N (read the other way, answered in the query's
 * order), so a client pages both ways with either order.
 */
export async function queryAudit(log: AuditLog, q: AuditQuery): Promise<AuditPage> {
  const dir = q.order === 'asc' ? 1 : -1;
  const head = log.head.seq;
  const start = q.cursor?.seq ?? (dir === 1 ? 0 : head + 1);
  if (q.cursor?.back) {
    const r = await scan(log, q, start, dir === 1 ? -1 : 1);
    const items = r.items.reverse();
    const page: AuditPage = { items, nextCursor: String(items.at(-1)?.seq ?? start - dir) };
    if (r.more) page.prevCursor = `b${r.last}`;
    return page;
  }
  const r = await scan(log, q, start, dir);
  const page: AuditPage = { items: r.items };
  if (r.more) page.nextCursor = String(r.last);
  // The page before this one: the entries on the other side of the first one examined (for
  // `desc` from the head, the entries appended since).
  const first = start + dir;
  if (dir === -1 || first > 1) page.prevCursor = `b${first}`;
  return page;
}
