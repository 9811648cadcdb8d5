import { type PluginContext, StoredSettings } from '@omega/sdk';
import {
  DEFAULT_SETTINGS,
  mergeSettings,
  SETTING_RANGES,
  type SessionsSettings,
} from './sessions-settings.js';

function clampToRange(key: string, v: unknown): unknown {
  if (!Object.hasOwn(SETTING_RANGES, key) || typeof v !== 'number' || !Number.isInteger(v)) return v;
  const [lo, hi] = SETTING_RANGES[key as keyof typeof SETTING_RANGES];
  return Math.min(hi, Math.max(lo, v));
}

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

  /**
   * Loads the stored settings. A stored duration out of today's range (written under older bounds:
   * `defaultGraceMs` allowed 1 h before the agent's 10 min cap was its bound) is clamped into it,
   * the nearest to what the operator chose; any other value that does not validate keeps the default.
   */
  async load(): Promise<void> {
    const stored = await this.read();
    for (const [k, v] of Object.entries(stored ?? {})) {
      const one = mergeSettings(this.current, { [k]: clampToRange(k, v) });
      if ('settings' in one) Object.assign(this.current, one.settings);
    }
  }

  /** Stores `next` (validated by the caller) and applies it; `expectedVersion` makes a stale write fail. */
  async save(next: SessionsSettings, by: string, expectedVersion?: number): Promise<void> {
    await this.write(next, by, expectedVersion);
    Object.assign(this.current, next);
  }
}
