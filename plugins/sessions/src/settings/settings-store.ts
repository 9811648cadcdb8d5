import { type PluginContext, StoredSettings } from '@omega/sdk';
import { DEFAULT_SETTINGS, mergeSettings, type SessionsSettings } from './sessions-settings.js';

/**
 * The settings in force, durable (record `settings/sessions`), with a version for a 409 on a stale
 * write. `current` is one object for the life of the activation (changes are applied to it in
 * place), so whoever holds it sees a change at once: the next placement default, terminate grace,
 * lost and prune check.
 */
export class SettingsStore extends StoredSettings<SessionsSettings> {
  readonly current: SessionsSettings = { ...DEFAULT_SETTINGS };

  constructor(ctx: PluginContext) {
    super(ctx, 'settings', 'sessions');
  }

  /** Loads the stored settings; a stored value out of range (older bounds) keeps the default. */
  async load(): Promise<void> {
    const stored = await this.read();
    for (const [k, v] of Object.entries(stored ?? {})) {
      const one = mergeSettings(this.current, { [k]: v });
      if ('settings' in one) Object.assign(this.current, one.settings);
    }
  }

  /** Stores `next` (validated by the caller) and applies it; `expectedVersion` makes a stale write fail. */
  async save(next: SessionsSettings, by: string, expectedVersion?: number): Promise<void> {
    await this.write(next, by, expectedVersion);
    Object.assign(this.current, next);
  }
}
