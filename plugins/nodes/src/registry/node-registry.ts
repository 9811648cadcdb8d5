import type { PluginContext } from '@omega/sdk';
import { isoTime } from '@omega/sdk';
import type { NodeChange } from '../contract.js';
import type { Transition } from '../liveness/judge-liveness.js';
import type { NodeEvents } from '../publish/node-events.js';
import type { UrgentSet } from '../storage/write-limiter.js';
import { appendHistory, numberHistory } from './append-history.js';
import type { LiveState, NodeEntry, NodeRecord, StateChange } from './node-record.js';

/** Collections the registry keeps (storage), and the ephemeral store of the agents' specs. */
export const COLLECTIONS = { nodes: 'nodes', removed: 'removed' } as const;

/**
 * The agents' specs live in an ephemeral store (memory, written to disk in batches by the
 * kernel): an agent sends them at every session start and on change, so they need no write
 * acknowledged per join — and the durable records stay small (the kernel's storage rewrites a
 * namespace per commit).
 */
export const SPECS_STORE = 'specs';

/** A removed node's identity, kept so its key is refused from then on. */
export interface Tombstone {
  id: string;
  name: string;
  fingerprint: string;
  removedAt: string;
  removedBy: string;
  reason: string;
}

/** Reads every record of a collection, page by page. */
export async function listAll<V>(
  ctx: PluginContext,
  collection: string,
): Promise<Array<{ id: string; version: number; value: V }>> {
  const out: Array<{ id: string; version: number; value: V }> = [];
  let cursor: string | undefined;
  do {
    const page = await ctx.storage.list<V>(collection, { limit: 1000, ...(cursor ? { cursor } : {}) });
    for (const r of page.items) out.push({ id: r.id, version: r.version, value: r.value });
    cursor = page.nextCursor;
  } while (cursor);
  return out;
}

/**
 * The nodes of one activation: durable records in storage (one per node, written in order per
 * node), live state in memory, lookups by id, name and key, and the tombstones of removed
 * nodes. State changes go through {@link NodeRegistry.transition}, so every one is recorded,
 * published and audited the same way.
 */
export class NodeRegistry {
  private readonly byId = new Map<string, NodeEntry>();
  private readonly byName = new Map<string, string>();
  private readonly byKey = new Map<string, string>();
  private readonly byFp = new Map<string, string>();
  private readonly removedByFp = new Map<string, Tombstone>();
  private readonly removedById = new Map<string, Tombstone>();
  private sorted: NodeEntry[] | undefined;
  private readonly writes = new Map<string, Promise<unknown>>();
  /** Writes that failed (logged; the next change of that node writes it again). */
  writeFailures = 0;
  /** Called after a node is created or changes state (the liveness wheel reschedules it). */
  onChange: ((entry: NodeEntry) => void) | undefined;

  constructor(
    private readonly ctx: PluginContext,
    private readonly events: NodeEvents,
    private readonly historyMax: () => number,
    /** Writes a join waits on (ahead of queued state writes); default: the ordinary write. */
    private readonly urgentSet?: UrgentSet,
  ) {}

  /** Loads the records and tombstones earlier activations stored. */
  async load(): Promise<{ nodes: number; removed: number; malformed: number }> {
    let malformed = 0;
    for (const r of await listAll<NodeRecord>(this.ctx, COLLECTIONS.nodes)) {
      const v = r.value;
      if (!v || typeof v.id !== 'string' || typeof v.name !== 'string' || typeof v.publicKey !== 'string') {
        malformed++;
        continue;
      }
      const defaults = { specVersion: 1, history: [], labels: {} };
      const record = { ...defaults, ...v };
      record.history = Array.isArray(record.history) ? numberHistory(record.history) : [];
      this.index({ record, version: r.version, live: { at: 0 } });
    }
    for (const r of await listAll<Tombstone>(this.ctx, COLLECTIONS.removed)) {
      if (r.value && typeof r.value.fingerprint === 'string') {
        this.removedByFp.set(r.value.fingerprint, r.value);
        this.removedById.set(r.value.id, r.value);
      }
    }
    return { nodes: this.byId.size, removed: this.removedByFp.size, malformed };
  }

  /** Number of nodes. */
  get size(): number {
    return this.byId.size;
  }

  /** The node with id `id`. */
  get(id: string): NodeEntry | undefined {
    return this.byId.get(id);
  }

  /** The node with id or (unique) name `ref`. */
  find(ref: string): NodeEntry | undefined {
    const e = this.byId.get(ref);
    if (e) return e;
    const id = this.byName.get(ref);
    return id === undefined ? undefined : this.byId.get(id);
  }

  /** The node with this identity key. */
  byPublicKey(publicKey: string): NodeEntry | undefined {
    const id = this.byKey.get(publicKey);
    return id === undefined ? undefined : this.byId.get(id);
  }

  /** The node whose key has this fingerprint. */
  byFingerprint(fp: string): NodeEntry | undefined {
    const id = this.byFp.get(fp);
    return id === undefined ? undefined : this.byId.get(id);
  }

  /** The node id holding `name`, if any. */
  nameOwner(name: string): string | undefined {
    return this.byName.get(name);
  }

  /** The tombstone of a removed key (by fingerprint) or node (by id). */
  removed(by: { fingerprint?: string; id?: string }): Tombstone | undefined {
    if (by.fingerprint !== undefined) {
      const t = this.removedByFp.get(by.fingerprint);
      if (t) return t;
    }
    return by.id === undefined ? undefined : this.removedById.get(by.id);
  }

  /** Every node, in no particular order. */
  entries(): IterableIterator<NodeEntry> {
    return this.byId.values();
  }

  /** Every node sorted by name (then id): the order lists page in. */
  sortedByName(): readonly NodeEntry[] {
    if (!this.sorted) {
      this.sorted = [...this.byId.values()].sort((a, b) =>
        a.record.name < b.record.name
          ? -1
          : a.record.name > b.record.name
            ? 1
            : a.record.id < b.record.id
              ? -1
              : 1,
      );
    }
    return this.sorted;
  }

  /** Adds a new node and writes it ahead of queued writes (`saved` resolves once durable). */
  create(record: NodeRecord, live: LiveState): { entry: NodeEntry; saved: Promise<void> } {
    const entry: NodeEntry = { record, version: 0, live };
    this.index(entry);
    this.onChange?.(entry);
    return { entry, saved: this.save(entry, true) };
  }

  /** Renames a node (its agent rejoined under another, free name). */
  rename(entry: NodeEntry, name: string): void {
    this.byName.delete(entry.record.name);
    entry.record.name = name;
    this.byName.set(name, entry.record.id);
    this.sorted = undefined;
  }

  /**
   * Writes the node's record after the writes before it; resolves once durable (rejects on
   * failure). `urgent`: a join waits on it (it goes ahead of other nodes' queued writes).
   */
  save(entry: NodeEntry, urgent = false): Promise<void> {
    const id = entry.record.id;
    const run = (this.writes.get(id) ?? Promise.resolve()).then(async () => {
      if (this.byId.get(id) !== entry) return;
      entry.record.updatedAt = isoTime(Date.now());
      const stored =
        urgent && this.urgentSet
          ? await this.urgentSet(COLLECTIONS.nodes, id, entry.record)
          : await this.ctx.storage.set(COLLECTIONS.nodes, id, entry.record);
      entry.version = stored.version;
    });
    const tail = run.catch((err: unknown) => {
      this.writeFailures++;
      this.ctx.log
        .warn('nodes: writing a node record failed', {
          node: id,
          code: (err as { code?: string })?.code ?? 'unknown',
        })
        .catch(() => {});
    });
    this.writes.set(id, tail);
    tail.then(() => {
      if (this.writes.get(id) === tail) this.writes.delete(id);
    });
    return run;
  }

  /**
   * Applies a state change: the record's state, reason, since and history, then writes it,
   * publishes `nodes.node.<state>` and an audit event (actor `nodes`: the plugin judged it).
   */
  transition(entry: NodeEntry, t: Transition, actor = 'nodes', source?: string): void {
    const r = entry.record;
    const previous = r.state;
    const since = isoTime(t.at);
    r.state = t.to;
    r.reason = t.reason;
    r.since = since;
    appendHistory(
      r.history,
      { state: t.to, from: previous, reason: t.reason, by: actor, at: since },
      this.historyMax(),
    );
    this.save(entry).catch(() => {});
    this.onChange?.(entry);
    this.events.change(t.to as NodeChange, r, previous);
    this.events.audit({
      actor,
      action: 'state',
      outcome: 'success',
      target: r.id,
      ...(source ? { source } : {}),
      details: { name: r.name, from: previous, to: t.to, reason: t.reason },
    });
  }

  /**
   * Records an operator's hold change (cordon, drain, uncordon, or a cordon deadline that
   * passed) in the node's history; the caller writes the record.
   */
  recordHold(
    entry: NodeEntry,
    hold: NonNullable<StateChange['hold']>,
    reason: string,
    by: string,
    at: string,
  ): void {
    const r = entry.record;
    appendHistory(r.history, { state: r.state, hold, reason, by, at }, this.historyMax());
  }

  /** Removes a node: its key is refused from now on (a tombstone), its records deleted. */
  async remove(entry: NodeEntry, by: string, reason: string): Promise<Tombstone> {
    const r = entry.record;
    const tomb: Tombstone = {
      id: r.id,
      name: r.name,
      fingerprint: r.fingerprint,
      removedAt: isoTime(Date.now()),
      removedBy: by,
      reason,
    };
    await this.ctx.storage.set(COLLECTIONS.removed, r.fingerprint, tomb);
    this.removedByFp.set(tomb.fingerprint, tomb);
    this.removedById.set(tomb.id, tomb);
    this.byId.delete(r.id);
    if (this.byName.get(r.name) === r.id) this.byName.delete(r.name);
    if (this.byKey.get(r.publicKey) === r.id) this.byKey.delete(r.publicKey);
    if (this.byFp.get(r.fingerprint) === r.id) this.byFp.delete(r.fingerprint);
    this.sorted = undefined;
    await (this.writes.get(r.id) ?? Promise.resolve());
    await Promise.all([
      this.ctx.storage.delete(COLLECTIONS.nodes, r.id),
      this.ctx.ephemeral.delete(SPECS_STORE, r.id).catch(() => false),
    ]);
    return tomb;
  }

  private index(entry: NodeEntry): void {
    const r = entry.record;
    this.byId.set(r.id, entry);
    this.byName.set(r.name, r.id);
    this.byKey.set(r.publicKey, r.id);
    this.byFp.set(r.fingerprint, r.id);
    this.sorted = undefined;
  }
}
