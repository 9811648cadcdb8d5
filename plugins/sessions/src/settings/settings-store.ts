import type { PluginContext } from '@omega/sdk';
import { DEFAULT_SETTINGS, mergeSettings, type SessionsSettings } from './sessions-settings.js';

const COLLECTION = 'settings';
const ID = 'sessions';

/**
 * The settings in force, durable, with a version for a 409 on a stale write. `current` is one
 * object for the life of the activation (changes are applied to it in place), so whoever holds
 * it sees a change at once: the next placement default, terminate grace, lost and prune check.
 */
export class SettingsStore {
  readonly current: SessionsSettings = { ...DEFAULT_SETTINGS };
  version = 0;
  updatedAt: string | undefined;
  updatedBy: string | undefined;

  constructor(private readonly ctx: PluginContext) {}

  /** Loads the stored settings; a stored value out of range (older bounds) keeps the default. */
  async load(): Promise<void> {
    const r = await this.ctx.storage.get<Partial<SessionsSettings> & { updatedBy?: string }>(COLLECTION, ID);
    if (!r) return;
    this.version = r.version;
    this.updatedAt = r.updatedAt;
    this.updatedBy = r.value.updatedBy;
    for (const [k, v] of Object.entries(r.value)) {
      const one = mergeSettings(this.current, { [k]: v });
      if ('settings' in one) Object.assign(this.current, one.settings);
    }
  }

  /** Stores `next` (validated by the caller) and applies it; `expectedVersion` makes a stale write fail. */
  async save(next: SessionsSettings, by: string, expectedVersion?: number): Promise<void> {
    const r = await this.ctx.storage.set(
      COLLECTION,
      ID,
      { ...next, updatedBy: by },
      expectedVersion !== undefined ? { expectedVersion } : undefined,
    );
    Object.assign(this.current, next);
    this.version = r.version;
    this.updatedAt = r.updatedAt;
    this.updatedBy = by;
  }
}
