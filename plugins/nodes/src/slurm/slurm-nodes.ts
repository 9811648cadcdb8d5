import { isoTime } from '@omega/sdk';
import type { NodeHold } from '../contract.js';
import { isReservedNodeName } from '../gateway/node-name.js';
import { appendHistory } from '../registry/append-history.js';
import type { NodeEntry, NodeRecord, StateChange } from '../registry/node-record.js';
import { mapSlurmState } from './map-slurm-state.js';
import type { ReportedSlurmNode } from './read-slurm-nodes.js';

/**
 * A submit host's Slurm nodes are dropped when it has not reported for this long (it reports
 * every 30 s: four missed reports — the host is down, disconnected, or lost its Slurm driver).
 */
export const SLURM_STALE_MS = 120_000;
/** Submit hosts whose Slurm nodes are kept (each reports its whole cluster; a few are expected). */
const MAX_HOSTS = 64;
/** State changes kept per Slurm node. */
export const SLURM_HISTORY_MAX = 20;

/** A submit host and the Slurm nodes it last reported. */
interface SlurmHost {
  id: string;
  receivedAt: number;
  /** By Slurm node name. */
  nodes: Map<string, NodeEntry>;
}

/** A submit host as {@link SlurmNodes.update} needs it. */
export interface SubmitHost {
  id: string;
  name: string;
}

/** The id of a Slurm node in the registry: `slurm:<submit node id>:<slurm node name>`. */
export const slurmNodeId = (submit: string, name: string): string => `slurm:${submit}:${name}`;

/**
 * Slurm's nodes as submit hosts' agents report them (`slurm.nodes`, every 30 s), mirrored
 * read-only into the registry's views: memory only (the next report restores them), never
 * schedulable for agent sessions, no commands, no operator holds. A node leaves with the next
 * report that omits it, or with its submit host (removed, left, or silent past
 * {@link SLURM_STALE_MS}).
 */
export class SlurmNodes {
  private readonly hosts = new Map<string, SlurmHost>();
  private readonly byId = new Map<string, NodeEntry>();
  private readonly byName = new Map<string, string>();
  private sorted: NodeEntry[] | undefined;

  /** `nameTaken(name)`: true when an agent's node holds that name (it wins). */
  constructor(private readonly nameTaken: (name: string) => boolean) {}

  /** How many Slurm nodes are mirrored. */
  get size(): number {
    return this.byId.size;
  }

  /** The Slurm node with id `id`. */
  get(id: string): NodeEntry | undefined {
    return this.byId.get(id);
  }

  /** The Slurm node with id or name `ref`. */
  find(ref: string): NodeEntry | undefined {
    const e = this.byId.get(ref);
    if (e) return e;
    const id = this.byName.get(ref);
    return id === undefined ? undefined : this.byId.get(id);
  }

  /** Every Slurm node sorted by name (then id). */
  sortedByName(): readonly NodeEntry[] {
    if (!this.sorted) this.sorted = [...this.byId.values()].sort((a, b) => byNameThenId(a.record, b.record));
    return this.sorted;
  }

  /**
   * Takes a submit host's report (received at `at`, kernel clock): its Slurm nodes as they are
   * now, those it no longer lists dropped. Answers how many were added and removed; a new host
   * past the bound of hosts is ignored (`ignored: true`).
   */
  update(
    submit: SubmitHost,
    reported: readonly ReportedSlurmNode[],
    at: number,
  ): { added: number; removed: number; ignored?: true } {
    let host = this.hosts.get(submit.id);
    if (!host) {
      if (this.hosts.size >= MAX_HOSTS) return { added: 0, removed: 0, ignored: true };
      host = { id: submit.id, receivedAt: at, nodes: new Map() };
      this.hosts.set(submit.id, host);
    }
    host.receivedAt = at;
    let added = 0;
    const listed = new Set<string>();
    for (const n of reported) {
      listed.add(n.name);
      const before = host.nodes.get(n.name);
      if (!before) added++;
      const entry = this.entryOf(submit, n, at, before);
      host.nodes.set(n.name, entry);
    }
    let removed = 0;
    for (const [name, e] of host.nodes)
      if (!listed.has(name)) {
        host.nodes.delete(name);
        this.unindex(e);
        removed++;
      }
    this.sorted = undefined;
    return { added, removed };
  }

  /** Drops every Slurm node a submit host reported; answers how many. */
  dropHost(submit: string): number {
    const host = this.hosts.get(submit);
    if (!host) return 0;
    this.hosts.delete(submit);
    for (const e of host.nodes.values()) this.unindex(e);
    this.sorted = undefined;
    return host.nodes.size;
  }

  /**
   * Drops the Slurm nodes of submit hosts that are gone from the registry, have left, or have
   * not reported for {@link SLURM_STALE_MS} at `now`; answers the hosts dropped.
   */
  sweep(now: number, submitOf: (id: string) => NodeEntry | undefined): string[] {
    const dropped: string[] = [];
    for (const h of [...this.hosts.values()]) {
      const s = submitOf(h.id);
      if (!s || s.record.state === 'left' || now - h.receivedAt > SLURM_STALE_MS) {
        this.dropHost(h.id);
        dropped.push(h.id);
      }
    }
    return dropped;
  }

  private entryOf(
    submit: SubmitHost,
    n: ReportedSlurmNode,
    at: number,
    before: NodeEntry | undefined,
  ): NodeEntry {
    const id = slurmNodeId(submit.id, n.name);
    const m = mapSlurmState(n.state, n.reason);
    const prev = before?.record;
    const holdOf = (r: NodeRecord | undefined) => (r?.drain ? 'drain' : r?.cordon ? 'cordon' : undefined);
    const same = prev && prev.state === m.state && prev.reason === m.reason && holdOf(prev) === m.hold;
    const iso = isoTime(at);
    const since = same ? prev.since : iso;
    const history: StateChange[] = prev ? prev.history : [];
    if (!same) {
      appendHistory(
        history,
        { state: m.state, ...(prev ? { from: prev.state } : {}), reason: m.reason, by: 'slurm', at: iso },
        SLURM_HISTORY_MAX,
      );
    }
    const hold: NodeHold = { by: 'slurm', reason: n.reason ?? `Slurm: ${n.state}`, at: since };
    const name = this.nameFor(id, n.name, submit.name, prev?.name);
    const labels: Record<string, string> = { source: 'slurm' };
    if (n.partitions[0]) labels.partition = n.partitions[0];
    const record: NodeRecord = {
      id,
      name,
      publicKey: '',
      fingerprint: '',
      labels,
      specVersion: 0,
      ...(m.hold ? { cordon: hold } : {}),
      ...(m.hold === 'drain' ? { drain: hold } : {}),
      state: m.state,
      reason: m.reason,
      since,
      history,
      capacity: {
        cores: n.cpus,
        threads: n.cpus,
        memoryBytes: n.memoryMiB * 1_048_576,
        gpus: Array.from({ length: n.gpus }, (_, index) => ({ index, model: '', memoryBytes: 0 })),
        numa: [],
      },
      managedBy: 'slurm',
      slurm: {
        submitNode: submit.id,
        name: n.name,
        state: n.state,
        reason: n.reason,
        partitions: n.partitions,
        allocatedCpus: n.allocatedCpus,
        allocatedMemoryMiB: n.allocatedMemoryMiB,
      },
      joinedAt: prev?.joinedAt ?? iso,
      updatedAt: iso,
    };
    const entry: NodeEntry = { record, version: 0, live: { at } };
    if (prev && prev.name !== name && this.byName.get(prev.name) === id) this.byName.delete(prev.name);
    this.byId.set(id, entry);
    this.byName.set(name, id);
    return entry;
  }

  /**
   * Slurm's own name when no agent's node and no other Slurm node holds it and it is no path of
   * the API (`tokens`, …), else `<slurm name>@<submit host name>`; a name once given is kept
   * while it stays free.
   */
  private nameFor(id: string, slurmName: string, submitName: string, current?: string): string {
    const free = (name: string) =>
      !isReservedNodeName(name) && !this.nameTaken(name) && (this.byName.get(name) ?? id) === id;
    if (current !== undefined && free(current)) return current;
    return free(slurmName) ? slurmName : `${slurmName}@${submitName}`;
  }

  private unindex(e: NodeEntry): void {
    this.byId.delete(e.record.id);
    if (this.byName.get(e.record.name) === e.record.id) this.byName.delete(e.record.name);
  }
}

function byNameThenId(a: NodeRecord, b: NodeRecord): number {
  if (a.name !== b.name) return a.name < b.name ? -1 : 1;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}
