import type { AuditLog } from './audit-log.js';
import {
  type AuditEntry,
  CHECKPOINT_TYP,
  canonicalEntry,
  entryMacText,
  GENESIS,
  headMacText,
} from './audit-log.js';
import type { Ctx } from './context.js';
import { refuse } from './http.js';

/** What `GET /audit/verify` answers. */
export interface VerifyReport {
  ok: boolean;
  entries: number;
  head: { seq: number; hash: string };
  /** Entries and head are MAC'd under a kernel key (false: hash chain only), from `keyedFrom` on. */
  keyed: boolean;
  keyedFrom: number;
  /** The checkpoints checked against the trail: the latest stored one and the caller's. */
  checkpoints: { seq: number; at: string; source: 'stored' | 'given' }[];
  /** The first entry that does not check out, and why. */
  broken?: { seq: number; reason: string };
}

const CHUNK = 200;

/** A checkpoint's JWS, checked with the kernel's keys: its payload, or a reason it is not one. */
async function readCheckpoint(
  ctx: Ctx,
  jws: string,
): Promise<{ seq: number; hash: string; at: string } | string> {
  let payload: string;
  try {
    payload = (await ctx.crypto.verify(jws)).payload;
  } catch {
    return 'checkpoint signature does not verify';
  }
  try {
    const p = JSON.parse(payload) as { typ?: unknown; seq?: unknown; hash?: unknown; at?: unknown };
    if (p.typ === CHECKPOINT_TYP && Number.isSafeInteger(p.seq) && typeof p.hash === 'string') {
      return { seq: p.seq as number, hash: p.hash, at: String(p.at) };
    }
  } catch {
    // falls through
  }
  return 'not an audit checkpoint';
}

/**
 * Walks the whole chain from the first entry: every seq present, every `prev` the previous
 * entry's hash, every hash recomputed from the entry's fields, every MAC (from `keyedFrom` on)
 * made with the kernel key, the last entry equal to the stored head and the head's MAC valid,
 * and each checkpoint (the latest stored one, and `given`, e.g. one an external sink kept)
 * signed by the kernel and naming an entry of the trail with its hash. An edit, a recomputed
 * chain, a deletion or a truncation with the head moved back all show; a rollback to an older
 * state the kernel itself wrote shows only against a newer checkpoint kept elsewhere.
 */
export async function verifyAudit(ctx: Ctx, log: AuditLog, given?: string): Promise<VerifyReport> {
  const head = log.head;
  const { keyed, keyedFrom } = log.keying;
  const checkpoints: VerifyReport['checkpoints'] = [];
  const report = (broken?: { seq: number; reason: string }): VerifyReport => ({
    ok: broken === undefined,
    entries: head.seq,
    head,
    keyed,
    keyedFrom,
    checkpoints,
    ...(broken ? { broken } : {}),
  });
  let prev = GENESIS;
  for (let start = 1; start <= head.seq; start += CHUNK) {
    const seqs: number[] = [];
    for (let s = start; s < Math.min(start + CHUNK, head.seq + 1); s++) seqs.push(s);
    const entries = await Promise.all(seqs.map((s) => log.get(s)));
    const macs: { seq: number; data: string; mac: string }[] = [];
    for (let i = 0; i < seqs.length; i++) {
      const seq = seqs[i]!;
      const e: AuditEntry | undefined = entries[i];
      if (!e) return report({ seq, reason: 'missing' });
      if (e.seq !== seq) return report({ seq, reason: 'sequence number does not match its position' });
      if (e.prev !== prev) return report({ seq, reason: 'prev is not the hash of the entry before' });
      const { hash, mac, ...rest } = e;
      if ((await ctx.crypto.hash('sha256', canonicalEntry(rest))) !== hash)
        return report({ seq, reason: 'hash does not match its content' });
      if (keyed && seq >= keyedFrom) {
        if (typeof mac !== 'string') return report({ seq, reason: 'MAC missing' });
        macs.push({ seq, data: entryMacText(hash), mac });
      }
      prev = hash;
    }
    if (macs.length > 0) {
      const valid = await ctx.crypto.verifyMac(macs.map(({ data, mac }) => ({ data, mac })));
      const bad = valid.findIndex((v) => !v);
      if (bad >= 0)
        return report({ seq: macs[bad]!.seq, reason: 'MAC does not match (not written by this kernel)' });
    }
  }
  if (prev !== head.hash) return report({ seq: head.seq, reason: 'head hash differs' });
  if (await log.get(head.seq + 1)) return report({ seq: head.seq + 1, reason: 'entry beyond the head' });
  if (keyed && head.seq > 0) {
    const stored = await log.storedHead();
    const authentic =
      stored?.mac !== undefined &&
      stored.seq === head.seq &&
      stored.hash === head.hash &&
      (await ctx.crypto.verifyMac([{ data: headMacText(stored), mac: stored.mac }]))[0] === true;
    if (!authentic)
      return report({ seq: head.seq, reason: 'head MAC does not match (head moved or rewritten)' });
  }
  const toCheck: { jws: string; source: 'stored' | 'given' }[] = [];
  if (log.checkpoint) toCheck.push({ jws: log.checkpoint.jws, source: 'stored' });
  if (given !== undefined) toCheck.push({ jws: given, source: 'given' });
  for (const { jws, source } of toCheck) {
    const cp = await readCheckpoint(ctx, jws);
    // The caller's checkpoint that is none of this kernel's is bad input, not a broken trail
    // (walk: `--checkpoint garbage` reported the trail BROKEN at its head). A stored one is evidence.
    if (typeof cp === 'string' && source === 'given')
      refuse(400, 'OMEGA_ERR_VALIDATION', `The checkpoint given is not one this kernel signed: ${cp}.`, {
        errors: [{ field: 'checkpoint', message: cp }],
      });
    if (typeof cp === 'string') return report({ seq: head.seq, reason: `${source} ${cp}` });
    checkpoints.push({ seq: cp.seq, at: cp.at, source });
    if (cp.seq > head.seq) {
      return report({
        seq: head.seq,
        reason: `trail truncated: a ${source} checkpoint has ${cp.seq} entries`,
      });
    }
    if ((await log.get(cp.seq))?.hash !== cp.hash) {
      return report({ seq: cp.seq, reason: `entry differs from the ${source} checkpoint` });
    }
  }
  return report();
}
