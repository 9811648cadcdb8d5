import { listAll, type PluginStorage } from '../persist/plugin-storage.js';
import type { AlertEvent } from './alert-engine.js';

/** Collection of the alert history. */
export const HISTORY_COLLECTION = 'alert-history';

/**
 * The last `max` firing/resolved alerts, newest last, each stored as one record whose id
 * sorts by time (`<epoch ms, 15 digits>-<seq>`), so a restart keeps them and the oldest is
 * deleted once the limit is passed.
 */
export class AlertHistory {
  private readonly entries: Array<{ id: string; event: AlertEvent }> = [];
  private seq = 0;

  constructor(
    private readonly storage: PluginStorage,
    readonly max = 1_000,
  ) {}

  /** Loads the stored history (call once, before {@link add}). */
  async load(): Promise<void> {
    const recs = await listAll<AlertEvent>(this.storage, HISTORY_COLLECTION);
    recs.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    for (const r of recs) this.entries.push({ id: r.id, event: r.value });
    await this.prune();
  }

  /** Appends an alert and stores it. */
  async add(event: AlertEvent): Promise<void> {
    const id = `${String(event.at).padStart(15, '0')}-${String(this.seq++).padStart(6, '0')}`;
    this.entries.push({ id, event });
    await this.storage.set(HISTORY_COLLECTION, id, event);
    await this.prune();
  }

  /** Newest first; `before` (an entry id) pages back. `id` is the entry's, `alert` the alert's. */
  page(
    limit: number,
    before?: string,
  ): { items: Array<AlertEvent & { alert?: string }>; nextCursor?: string } {
    const items: Array<AlertEvent & { alert?: string }> = [];
    for (let i = this.entries.length - 1; i >= 0 && items.length < limit; i--) {
      const e = this.entries[i];
      if (!e || (before !== undefined && e.id >= before)) continue;
      items.push({ ...e.event, ...(e.event.id ? { alert: e.event.id } : {}), id: e.id });
    }
    const last = items[items.length - 1];
    const more = last !== undefined && this.entries.length > 0 && (this.entries[0]?.id ?? '') < last.id;
    return more && last ? { items, nextCursor: last.id } : { items };
  }

  private async prune(): Promise<void> {
    while (this.entries.length > this.max) {
      const old = this.entries.shift();
      if (old) await this.storage.delete(HISTORY_COLLECTION, old.id);
    }
  }
}
