import type { PluginContext } from '@omega/sdk';
import type { LoadSummary } from '../contract.js';
import type { LiveState } from '../registry/node-record.js';

/** The ephemeral store heartbeat-rate data is persisted to. */
export const LIVE_STORE = 'live';
/** Entries per setMany call (each ~300 bytes): small turns, far under the kernel's 1 MiB per call. */
const CHUNK = 250;

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
    const entryOf = (id: string): [string, PersistedLive] | undefined => {
      const l = get(id);
      if (!l) return undefined;
      return [
        id,
        {
          at: l.at,
          ...(l.remote ? { remote: l.remote } : {}),
          ...(l.load ? { load: l.load } : {}),
          ...(l.loadAt ? { loadAt: l.loadAt } : {}),
        },
      ];
    };
    // Chunk by chunk, each built after the previous write: ten thousand entries are not built
    // (and serialised) in one turn that an API request would wait behind.
    const run = async () => {
      for (let i = 0; i < ids.length; i += CHUNK) {
        const chunk: [string, PersistedLive][] = [];
        for (const id of ids.slice(i, i + CHUNK)) {
          const e = entryOf(id);
          if (e) chunk.push(e);
        }
        if (chunk.length === 0) continue;
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
