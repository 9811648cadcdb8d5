import type { Ctx } from './context.js';

/** One entry of the audit trail. `hash` = sha256(prev + canonical fields), so editing any entry breaks the chain. */
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
}

/** What a caller records; seq, time and hashes are the log's. */
export type AuditInput = Omit<AuditEntry, 'seq' | 'time' | 'prev' | 'hash'>;

const AUDIT = 'audit';
const META = 'meta';
const HEAD = 'audit-head';
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
 * The append-only, hash-chained audit trail in the plugin's storage. Appends are serialised
 * (one chain); each entry is stored, then the head, then published live on
 * `security.audit.appended`. After a crash between the two writes the head is repaired on
 * open by probing the next ids.
 */
export class AuditLog {
  #head = { seq: 0, hash: GENESIS };
  #tail: Promise<unknown> = Promise.resolve();

  constructor(private readonly ctx: Ctx) {}

  /** Reads the head, following entries written after it (a crash between the two writes). */
  async open(): Promise<void> {
    const stored = await this.ctx.storage.get<{ seq: number; hash: string }>(META, HEAD);
    let head = stored?.value ?? { seq: 0, hash: GENESIS };
    for (;;) {
      const next = await this.ctx.storage.get<AuditEntry>(AUDIT, auditId(head.seq + 1));
      if (!next) break;
      head = { seq: next.value.seq, hash: next.value.hash };
    }
    this.#head = head;
  }

  /** The last entry's seq and hash. */
  get head(): { seq: number; hash: string } {
    return { ...this.#head };
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

  async #write(input: AuditInput): Promise<AuditEntry> {
    const base: Omit<AuditEntry, 'hash'> = {
      seq: this.#head.seq + 1,
      time: new Date().toISOString(),
      actor: input.actor,
      action: input.action,
      outcome: input.outcome,
      ...(input.target !== undefined ? { target: input.target } : {}),
      ...(input.source !== undefined ? { source: input.source } : {}),
      ...(input.details !== undefined ? { details: input.details } : {}),
      prev: this.#head.hash,
    };
    const entry: AuditEntry = { ...base, hash: await this.ctx.crypto.hash('sha256', canonicalEntry(base)) };
    await this.ctx.storage.set(AUDIT, auditId(entry.seq), entry, { expectedVersion: 0 });
    this.#head = { seq: entry.seq, hash: entry.hash };
    await this.ctx.storage.set(META, HEAD, this.#head);
    await this.ctx.events.publish('security.audit.appended', entry);
    return entry;
  }

  /** Entry `seq`, if present. */
  async get(seq: number): Promise<AuditEntry | undefined> {
    return (await this.ctx.storage.get<AuditEntry>(AUDIT, auditId(seq)))?.value;
  }
}
