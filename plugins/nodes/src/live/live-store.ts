import type { PluginContext } from '@omega/sdk';
import type { LoadSummary } from '../contract.js';
import type { LiveState } from '../registry/node-record.js';

/** The ephemeral store heartbeat-rate data is persisted to. */
export const LIVE_STORE = 'live';
/** Entries per setMany call (each ~300 bytes: well under the kernel's 1 MiB per call). */
const CHUNK = 1000;

/** What is persisted of a node's live state. */
export interface PersistedLive {
  at: number;
  remote?: string;
  load?: LoadSummary;
  loadAt?: number;
}

/**
 * Heartbeat-rate data in the kernel's ephemeral store (memory, written to disk in batches by
 * the kernel): the plugin marks nodes dirty on each frame and writes the dirty ones together
 * every flush period, so a restart knows when and from where each node was last heard and its
 * last load. Nothing here is acknowledged to disk per heartbeat, by design.
 */
export class LiveStore {
  private readonly dirty = new Set<string>();
  private flushing: Promise<void> | undefined;
  /** Flushes done and entries written. */
  readonly stats = { flushes: 0, written: 0, failures: 0 };

  constructor(private readonly ctx: PluginContext) {}

  /** Marks node `id` as changed. */
  touch(id: string): void {
    this.dirty.add(id);
  }

  /** Restores every persisted entry: node id → persisted state. */
  async restore(): Promise<Map<string, PersistedLive>> {
    const out = new Map<string, PersistedLive>();
    let cursor: string | undefined;
    do {
      const page = await this.ctx.ephemeral.list(LIVE_STORE, {
        limit: 10_000,
        ...(cursor ? { cursor } : {}),
      });
      for (const [k, v] of page.entries) {
        const p = v as PersistedLive | null;
        if (p && typeof p.at === 'number') out.set(k, p);
      }
      cursor = page.nextCursor;
    } while (cursor);
    return out;
  }

  /** Writes the dirty entries (`get` answers a node's live state, undefined when it is gone). */
  flush(get: (id: string) => LiveState | undefined): Promise<void> {
    if (this.flushing || this.dirty.size === 0) return this.flushing ?? Promise.resolve();
    const ids = [...this.dirty];
    this.dirty.clear();
    const entries: [string, PersistedLive][] = [];
    for (const id of ids) {
      const l = get(id);
      if (!l) continue;
      entries.push([
        id,
        {
          at: l.at,
          ...(l.remote ? { remote: l.remote } : {}),
          ...(l.load ? { load: l.load } : {}),
          ...(l.loadAt ? { loadAt: l.loadAt } : {}),
        },
      ]);
    }
    const run = async () => {
      for (let i = 0; i < entries.length; i += CHUNK) {
        const chunk = entries.slice(i, i + CHUNK);
        try {
          await this.ctx.ephemeral.setMany(LIVE_STORE, chunk);
          this.stats.written += chunk.length;
        } catch (err) {
          this.stats.failures++;
          for (const [id] of chunk) this.dirty.add(id);
          this.ctx.log
            .warn('nodes: persisting live state failed; will retry', {
              code: (err as { code?: string })?.code ?? 'unknown',
            })
            .catch(() => {});
        }
      }
      this.stats.flushes++;
    };
    this.flushing = run().finally(() => {
      this.flushing = undefined;
    });
    return this.flushing;
  }

  /** Forgets a removed node. */
  async drop(id: string): Promise<void> {
    this.dirty.delete(id);
    await this.ctx.ephemeral.delete(LIVE_STORE, id).catch(() => false);
  }
}
