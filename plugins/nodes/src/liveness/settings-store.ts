import { type PluginContext, StoredSettings } from '@omega/sdk';
import { DEFAULT_SETTINGS, type LivenessSettings, SETTING_RANGES } from './liveness-settings.js';

/** The liveness settings, durable, with a version for 409 on a stale write. */
export class SettingsStore extends StoredSettings<LivenessSettings> {
  current: LivenessSettings = { ...DEFAULT_SETTINGS };

  constructor(ctx: PluginContext) {
    super(ctx, 'settings', 'liveness');
  }

  /** Loads the stored settings (defaults for what is missing or out of range). */
  async load(): Promise<void> {
    const stored = await this.read();
    if (!stored) return;
    for (const k of Object.keys(SETTING_RANGES) as (keyof LivenessSettings)[]) {
      const v = stored[k];
      const [lo, hi] = SETTING_RANGES[k];
      if (typeof v === 'number' && Number.isInteger(v) && v >= lo && v <= hi) this.current[k] = v;
    }
    if (this.current.downAfterMs <= this.current.suspectAfterMs) this.current = { ...DEFAULT_SETTINGS };
  }

  /** Stores `next` (validated by the caller); `expectedVersion` gives a 409 on a stale write. */
  async save(next: LivenessSettings, by: string, expectedVersion?: number): Promise<void> {
    await this.write(next, by, expectedVersion);
    this.current = next;
  }
}
