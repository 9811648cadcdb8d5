import { isoTime } from '@omega/sdk';
import type { Ctx } from './context.js';
import { SECURITY_TOPICS } from './event-topics.js';

/**
 * One entry of the audit trail. `hash` = sha256(prev + canonical fields), so editing any entry
 * breaks the chain; `mac` authenticates the hash with a kernel key the plugin never sees
 * (`ctx.crypto.mac`), so a chain recomputed by a disk editor does not check out.
 */
export interface AuditEntry {
  seq: number;
  time: string;
  /** Who acted: a user id, `kernel`, a plugin name, or `anonymous`. */
  actor: string;
  /** What happened, e.g. `auth.login`, `user.create`, `plugin.disable`, `sandbox.permission.denied`. */
  action: string;
  outcome: 'success' | 'failure' | 'denied';
  /** What it was done to (a user id, a plugin, a route). */
  target?: string;
  /** The source address, when it came over the network. */
  source?: string;
  details?: Record<string, unknown>;
  prev: string;
  hash: string;
  /** HMAC of `hash` under the plugin's kernel-derived key; absent on entries from before keying. */
  mac?: string;
}

/** What a caller records; seq, time and hashes are the log's. */
export type AuditInput = Omit<AuditEntry, 'seq' | 'time' | 'prev' | 'hash' | 'mac'>;

/** The stored head: the last entry, the first keyed seq, and a MAC over both. */
export interface AuditHead {
  seq: number;
  hash: string;
  /** Entries from this seq on carry a MAC (1 unless the chain predates keying). */
  keyedFrom?: number;
  mac?: string;
}

/** A signed statement "the trail had `seq` entries ending in `hash` at `at`" (JWS by the kernel's keyring). */
export interface AuditCheckpoint {
  seq: number;
  hash: string;
  at: string;
  /** Compact JWS over {typ:'omega.audit.checkpoint', seq, hash, at}; verifiable with the kernel's JWKS. */
  jws: string;
}

/** A checkpoint after this many entries, and every CHECKPOINT_MS while the head moves. */
export const CHECKPOINT_EVERY = 100;
export const CHECKPOINT_MS = 60_000;
/** The `typ` of a checkpoint's payload. */
export const CHECKPOINT_TYP = 'omega.audit.checkpoint';
const CHECKPOINT = 'audit-checkpoint';

/** The text an entry's MAC covers (its hash, which covers its fields and prev). */
export const entryMacText = (hash: string): string => `audit-entry\0${hash}`;
/** The text the head's MAC covers: the last seq and hash, and where keying began. */
export const headMacText = (h: { seq: number; hash: string; keyedFrom?: number }): string =>
  `audit-head\0${h.seq}\0${h.hash}\0${h.keyedFrom ?? 1}`;

const AUDIT = 'audit';
export const META = 'meta';
export const HEAD = 'audit-head';
/** The `prev` of the first entry. */
export const GENESIS = '0'.repeat(64);

/** Storage id of entry `seq`: zero-padded so id order is seq order. */
export const auditId = (seq: number): string => String(seq).padStart(12, '0');

/** The exact text hashed for an entry: its fields in a fixed order, as JSON. */
export function canonicalEntry(e: Omit<AuditEntry, 'hash'>): string {
  return JSON.stringify([
    e.seq,
    e.time,
    e.actor,
    e.action,
    e.outcome,
    e.target ?? null,
    e.source ?? null,
    e.details ?? null,
    e.prev,
  ]);
}

/**
 * The append-only, hash-chained, keyed audit trail in the plugin's storage. Appends are
 * serialised (one chain); each entry is stored with its MAC, then the MAC'd head, then
 * published live on `security.audit.appended`; every {@link CHECKPOINT_EVERY} entries (and
 * every {@link CHECKPOINT_MS} while the head moves) a kernel-signed checkpoint is stored and
 * published on `security.audit.checkpoint`. After a crash between the writes the head is
 * repaired on open by probing the next ids.
 */
export class AuditLog {
  #head: { seq: number; hash: string } = { seq: 0, hash: GENESIS };
  #keyedFrom = 1;
  #keyed = false;
  #checkpoint: AuditCheckpoint | undefined;
  #tail: Promise<unknown> = Promise.resolve();

  constructor(private readonly ctx: Ctx) {}

  /** Reads the head, following entries written after it (a crash between the writes), and keys the chain. */
  async open(): Promise<void> {
    const stored = (await this.ctx.storage.get<AuditHead>(META, HEAD))?.value;
    let head = stored ? { seq: stored.seq, hash: stored.hash } : { seq: 0, hash: GENESIS };
    let last: AuditEntry | undefined;
    for (;;) {
      const next = await this.ctx.storage.get<AuditEntry>(AUDIT, auditId(head.seq + 1));
      if (!next) break;
      last = next.value;
      head = { seq: next.value.seq, hash: next.value.hash };
    }
    this.#head = head;
    this.#checkpoint = (await this.ctx.storage.get<AuditCheckpoint>(META, CHECKPOINT))?.value;
    try {
      await this.ctx.crypto.mac(['probe']);
      this.#keyed = true;
    } catch (err) {
      // Without crypto:mac the trail is only hash-chained: verify reports keyed: false.
      await this.ctx.log
        .error('audit trail not keyed: grant crypto:mac to the security plugin', {
          code: (err as { code?: string }).code ?? 'unknown',
        })
        .catch(() => {});
      return;
    }
    if (stored?.mac === undefined && head.seq > 0) {
      // A trail from before keying is adopted once, from the next entry on, unless its last
      // entry is keyed (then the head's MAC was stripped: left for verify to report).
      last ??= await this.get(head.seq);
      if (last?.mac !== undefined) return;
      this.#keyedFrom = head.seq + 1;
      await this.#storeHead();
      return;
    }
    this.#keyedFrom = stored?.keyedFrom ?? 1;
    if (!stored || stored.seq !== head.seq) await this.#storeHead();
  }

  /** The last entry's seq and hash. */
  get head(): { seq: number; hash: string } {
    return { ...this.#head };
  }

  /** Whether entries are MAC'd, and from which seq. */
  get keying(): { keyed: boolean; keyedFrom: number } {
    return { keyed: this.#keyed, keyedFrom: this.#keyedFrom };
  }

  /** The latest stored checkpoint. */
  get checkpoint(): AuditCheckpoint | undefined {
    return this.#checkpoint;
  }

  /** Appends an entry (serialised with every other append) and resolves it. */
  append(input: AuditInput): Promise<AuditEntry> {
    const run = this.#tail.then(() => this.#write(input));
    this.#tail = run.catch(() => {});
    return run;
  }

  /** Runs `fn` between appends (nothing is appended while it runs), e.g. a verification. */
  exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.#tail.then(fn);
    this.#tail = run.catch(() => {});
    return run;
  }

  /** Signs, stores and publishes a checkpoint of the current head, unless the last one is of it. */
  checkpointNow(): Promise<AuditCheckpoint | undefined> {
    return this.exclusive(() => this.#checkpointIfMoved());
  }

  async #checkpointIfMoved(): Promise<AuditCheckpoint | undefined> {
    if (this.#head.seq === 0 || this.#checkpoint?.seq === this.#head.seq) return this.#checkpoint;
    const at = isoTime(Date.now());
    const { seq, hash } = this.#head;
    const jws = await this.ctx.crypto.sign(JSON.stringify({ typ: CHECKPOINT_TYP, seq, hash, at }));
    const cp: AuditCheckpoint = { seq, hash, at, jws };
    await this.ctx.storage.set(META, CHECKPOINT, cp);
    this.#checkpoint = cp;
    await this.ctx.events.publish(SECURITY_TOPICS.auditCheckpoint, cp);
    return cp;
  }

  async #storeHead(): Promise<void> {
    const head: AuditHead = { ...this.#head, keyedFrom: this.#keyedFrom };
    if (this.#keyed) [head.mac] = await this.ctx.crypto.mac([headMacText(head)]);
    await this.ctx.storage.set(META, HEAD, head);
  }

  async #write(input: AuditInput): Promise<AuditEntry> {
    const base: Omit<AuditEntry, 'hash'> = {
      seq: this.#head.seq + 1,
      time: isoTime(Date.now()),
      actor: input.actor,
      action: input.action,
      outcome: input.outcome,
      ...(input.target !== undefined ? { target: input.target } : {}),
      ...(input.source !== undefined ? { source: input.source } : {}),
      ...(input.details !== undefined ? { details: input.details } : {}),
      prev: this.#head.hash,
    };
    const hash = await this.ctx.crypto.hash('sha256', canonicalEntry(base));
    const head: AuditHead = { seq: base.seq, hash, keyedFrom: this.#keyedFrom };
    const entry: AuditEntry = { ...base, hash };
    if (this.#keyed) {
      // One host call for both MACs.
      const [entryMac, headMac] = await this.ctx.crypto.mac([entryMacText(hash), headMacText(head)]);
      entry.mac = entryMac;
      head.mac = headMac;
    }
    await this.ctx.storage.set(AUDIT, auditId(entry.seq), entry, { expectedVersion: 0 });
    this.#head = { seq: entry.seq, hash: entry.hash };
    await this.ctx.storage.set(META, HEAD, head);
    await this.ctx.events.publish(SECURITY_TOPICS.auditAppended, entry);
    if (entry.seq - (this.#checkpoint?.seq ?? 0) >= CHECKPOINT_EVERY) await this.#checkpointIfMoved();
    return entry;
  }

  /** Entry `seq`, if present. */
  async get(seq: number): Promise<AuditEntry | undefined> {
    return (await this.ctx.storage.get<AuditEntry>(AUDIT, auditId(seq)))?.value;
  }

  /** The head record as stored (what verify checks against the entries). */
  async storedHead(): Promise<AuditHead | undefined> {
    return (await this.ctx.storage.get<AuditHead>(META, HEAD))?.value;
  }
}
