import type { LoadSummary, NodesLoadEvent } from '../contract.js';
import { NODES_TOPICS } from '../event-topics.js';
import { compactLoad } from './compact-load.js';
import type { PacedPublisher } from './paced-publisher.js';

/** Largest `nodes.load` event data, bytes (the kernel's limit is 64 KiB; keep a margin). */
export const MAX_LOAD_EVENT_BYTES = 60_000;
/**
 * The share of the plugin's publish budget (230 KB/s, see paced-publisher.ts) loads may take
 * on average: the rest stays for state changes, audit events and reports.
 */
export const LOAD_BYTES_PER_SEC = 115_000;

/**
 * Collects the newest load of each node that heartbeated, and publishes them together every
 * period as `nodes.load` events of at most 64 KiB each (the metrics plugin records them as
 * series keyed by node). A node heartbeating twice in a period is sent once, with its newest
 * load; load batches are the first thing dropped when the publish budget is behind.
 */
export class LoadBatcher {
  private readonly latest = new Map<string, { name: string; load: LoadSummary }>();
  /** Loads cut by the last flush and not yet published (drained over the next ticks). */
  private readonly pending = new Map<string, { name: string; load: LoadSummary }>();
  private pendingAt = 0;
  /** Batches and events published; `periodMs` the period in force, `entryBytes` an entry's mean JSON size. */
  readonly stats = { batches: 0, events: 0, entries: 0, bytes: 0, periodMs: 0, entryBytes: 0 };

  constructor(private readonly out: PacedPublisher) {}

  /** Notes node `id`'s newest load (rounded as published: {@link compactLoad}). */
  note(id: string, name: string, load: LoadSummary): void {
    this.latest.set(id, { name, load: compactLoad(load) });
  }

  /**
   * The publish period for `configuredMs`: longer when a period's loads would take more than
   * {@link LOAD_BYTES_PER_SEC} (ten thousand nodes' loads every 10 s would be ~1.5× it), so
   * loads never outrun the publish budget and pile up behind it.
   */
  periodMs(configuredMs: number): number {
    const entry = this.stats.entryBytes || 150;
    const needed = Math.ceil(((this.latest.size + this.pending.size) * entry * 1000) / LOAD_BYTES_PER_SEC);
    this.stats.periodMs = Math.max(configuredMs, needed);
    return this.stats.periodMs;
  }

  /** Forgets a removed node. */
  drop(id: string): void {
    this.latest.delete(id);
    this.pending.delete(id);
  }

  /**
   * Publishes everything noted since the last flush, cut at `at` (epoch ms) — at most
   * `maxEntries` of it now; {@link drain} publishes the rest over the next ticks, so ten
   * thousand nodes' loads do not hold the plugin in one turn (an API request waits behind it).
   */
  flush(at: number, maxEntries = Number.POSITIVE_INFINITY): void {
    if (this.latest.size > 0) {
      // Anything not yet drained from the last period goes out first; newer loads replace it.
      for (const [id, v] of this.latest) {
        this.pending.delete(id);
        this.pending.set(id, v);
      }
      this.latest.clear();
      this.pendingAt = at;
      this.stats.batches++;
    }
    this.drain(maxEntries);
  }

  /** Publishes at most `maxEntries` of the loads cut by the last {@link flush}. */
  drain(maxEntries: number): void {
    if (this.pending.size === 0) return;
    const at = this.pendingAt;
    const head = `{"at":${at},"nodes":[]}`.length;
    let nodes: NodesLoadEvent['nodes'] = [];
    let bytes = head;
    const emit = () => {
      if (nodes.length === 0) return;
      this.out.publish(NODES_TOPICS.load, { at, nodes } satisfies NodesLoadEvent, true, bytes);
      this.stats.events++;
      this.stats.entries += nodes.length;
      this.stats.bytes += bytes;
      this.stats.entryBytes = Math.round((bytes - head) / nodes.length);
      nodes = [];
      bytes = head;
    };
    let n = 0;
    for (const [id, { name, load }] of this.pending) {
      if (n++ >= maxEntries) break;
      this.pending.delete(id);
      const entry = { id, name, load };
      const size = JSON.stringify(entry).length + 1;
      if (bytes + size > MAX_LOAD_EVENT_BYTES) emit();
      nodes.push(entry);
      bytes += size;
    }
    emit();
  }
}
