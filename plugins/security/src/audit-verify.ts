import type { AuditLog } from './audit-log.js';
import { type AuditEntry, canonicalEntry, GENESIS } from './audit-log.js';
import type { Ctx } from './context.js';

/** What `GET /audit/verify` answers. */
export interface VerifyReport {
  ok: boolean;
  entries: number;
  head: { seq: number; hash: string };
  /** The first entry that does not check out, and why. */
  broken?: { seq: number; reason: string };
}

const CHUNK = 200;

/**
 * Walks the whole chain from the first entry: every seq present, every `prev` the previous
 * entry's hash, every hash recomputed from the entry's fields, the last one equal to the
 * stored head. Any edit, deletion, insertion or reordering of stored entries shows.
 */
export async function verifyAudit(ctx: Ctx, log: AuditLog): Promise<VerifyReport> {
  const head = log.head;
  let prev = GENESIS;
  for (let start = 1; start <= head.seq; start += CHUNK) {
    const seqs: number[] = [];
    for (let s = start; s < Math.min(start + CHUNK, head.seq + 1); s++) seqs.push(s);
    const entries = await Promise.all(seqs.map((s) => log.get(s)));
    for (let i = 0; i < seqs.length; i++) {
      const seq = seqs[i]!;
      const e: AuditEntry | undefined = entries[i];
      const broken = (reason: string): VerifyReport => ({
        ok: false,
        entries: head.seq,
        head,
        broken: { seq, reason },
      });
      if (!e) return broken('missing');
      if (e.seq !== seq) return broken('sequence number does not match its position');
      if (e.prev !== prev) return broken('prev is not the hash of the entry before');
      const { hash, ...rest } = e;
      if ((await ctx.crypto.hash('sha256', canonicalEntry(rest))) !== hash)
        return broken('hash does not match its content');
      prev = hash;
    }
  }
  if (prev !== head.hash)
    return { ok: false, entries: head.seq, head, broken: { seq: head.seq, reason: 'head hash differs' } };
  if (await log.get(head.seq + 1)) {
    return {
      ok: false,
      entries: head.seq,
      head,
      broken: { seq: head.seq + 1, reason: 'entry beyond the head' },
    };
  }
  return { ok: true, entries: head.seq, head };
}
