import type { PluginContext } from '@omega/sdk';
import { isoTime } from '@omega/sdk';
import type { QuotaLimits, QuotaView } from '../contract.js';

const COLLECTION = 'quotas';

/** The quotas admins set, per user and per role, held in memory and written through. */
export class QuotaStore {
  private readonly quotas = new Map<string, QuotaView>();

  constructor(private readonly ctx: PluginContext) {}

  static key(scope: QuotaView['scope'], name: string): string {
    return `${scope}:${name}`;
  }

  async load(): Promise<number> {
    let cursor: string | undefined;
    do {
      const page = await this.ctx.storage.list<QuotaView>(
        COLLECTION,
        cursor ? { cursor, limit: 1000 } : { limit: 1000 },
      );
      for (const q of page.items) this.quotas.set(QuotaStore.key(q.value.scope, q.value.name), q.value);
      cursor = page.nextCursor;
    } while (cursor);
    return this.quotas.size;
  }

  get(scope: QuotaView['scope'], name: string): QuotaView | undefined {
    return this.quotas.get(QuotaStore.key(scope, name));
  }

  list(): QuotaView[] {
    return [...this.quotas.values()].sort((a, b) =>
      QuotaStore.key(a.scope, a.name) < QuotaStore.key(b.scope, b.name) ? -1 : 1,
    );
  }

  /** True when some role has a quota (then a user's roles must be known to check a new session). */
  get hasRoleQuotas(): boolean {
    for (const q of this.quotas.values()) if (q.scope === 'role') return true;
    return false;
  }

  /** Sets (creates or replaces) a quota; resolves once on disk. */
  async set(scope: QuotaView['scope'], name: string, limits: QuotaLimits, by: string): Promise<QuotaView> {
    const prev = this.get(scope, name);
    const q: QuotaView = {
      scope,
      name,
      limits,
      version: (prev?.version ?? 0) + 1,
      updatedBy: by,
      updatedAt: isoTime(Date.now()),
    };
    this.quotas.set(QuotaStore.key(scope, name), q);
    await this.ctx.storage.set(COLLECTION, QuotaStore.key(scope, name), q);
    return q;
  }

  /** Deletes a quota; false when there was none. */
  async delete(scope: QuotaView['scope'], name: string): Promise<boolean> {
    const key = QuotaStore.key(scope, name);
    if (!this.quotas.delete(key)) return false;
    await this.ctx.storage.delete(COLLECTION, key);
    return true;
  }
}
