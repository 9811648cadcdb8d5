import type { PluginContext } from '@omega/sdk';
import type { SessionRecord } from './session-record.js';

const COLLECTION = 'sessions';

/**
 * Every session of this kernel, held in memory (the scheduler and the list read it on every
 * pass) and written through to the plugin's storage on each change (a write acknowledged to a
 * client is on disk). Writes of one session go out in order.
 */
export class SessionStore {
  private readonly byId = new Map<string, SessionRecord>();
  private readonly writes = new Map<string, Promise<unknown>>();

  constructor(private readonly ctx: PluginContext) {}

  /** Loads every stored session; answers how many. */
  async load(): Promise<number> {
    let cursor: string | undefined;
    do {
      const page = await this.ctx.storage.list<SessionRecord>(
        COLLECTION,
        cursor ? { cursor, limit: 1000 } : { limit: 1000 },
      );
      for (const item of page.items) this.byId.set(item.value.id, item.value);
      cursor = page.nextCursor;
    } while (cursor);
    return this.byId.size;
  }

  get(id: string): SessionRecord | undefined {
    return this.byId.get(id);
  }

  all(): IterableIterator<SessionRecord> {
    return this.byId.values();
  }

  get size(): number {
    return this.byId.size;
  }

  /** Stores `r` (new or changed): memory at once, disk in order; resolves once on disk. */
  save(r: SessionRecord): Promise<void> {
    this.byId.set(r.id, r);
    const copy = JSON.parse(JSON.stringify(r)) as SessionRecord; // the isolate has no structuredClone
    const prev = this.writes.get(r.id) ?? Promise.resolve();
    const next = prev.catch(() => {}).then(() => this.ctx.storage.set(COLLECTION, r.id, copy));
    this.writes.set(r.id, next);
    void next.finally(() => {
      if (this.writes.get(r.id) === next) this.writes.delete(r.id);
    });
    return next.then(() => undefined);
  }

  /** Resolves once the writes of session `id` queued so far are on disk. */
  async written(id: string): Promise<void> {
    await this.writes.get(id);
  }

  /** Forgets a session (retention). */
  async remove(id: string): Promise<void> {
    this.byId.delete(id);
    await (this.writes.get(id) ?? Promise.resolve()).catch(() => {});
    await this.ctx.storage.delete(COLLECTION, id);
  }

  /** Waits for every write in flight (graceful stop). */
  async flush(): Promise<void> {
    await Promise.allSettled([...this.writes.values()]);
  }
}
