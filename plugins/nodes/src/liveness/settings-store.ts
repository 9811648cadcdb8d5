import type { PluginContext } from '@omega/sdk';
import { DEFAULT_SETTINGS, type LivenessSettings, SETTING_RANGES } from './liveness-settings.js';

const COLLECTION = 'settings';
const ID = 'liveness';

/** The liveness settings, durable, with a version for 409 on a stale write. */
export class SettingsStore {
  current: LivenessSettings = { ...DEFAULT_SETTINGS };
  version = 0;
  updatedAt: string | undefined;
  updatedBy: string | undefined;

  constructor(private readonly ctx: PluginContext) {}

  /** Loads the stored settings (defaults for what is missing or out of range). */
  async load(): Promise<void> {
    const r = await this.ctx.storage.get<Partial<LivenessSettings> & { updatedBy?: string }>(COLLECTION, ID);
    if (!r) return;
    this.version = r.version;
    this.updatedAt = r.updatedAt;
    this.updatedBy = r.value.updatedBy;
    for (const k of Object.keys(SETTING_RANGES) as (keyof LivenessSettings)[]) {
      const v = r.value[k];
      const [lo, hi] = SETTING_RANGES[k];
      if (typeof v === 'number' && Number.isInteger(v) && v >= lo && v <= hi) this.current[k] = v;
    }
    if (this.current.downAfterMs <= this.current.suspectAfterMs) this.current = { ...DEFAULT_SETTINGS };
  }

  /** Stores `next` (validated by the caller); `expectedVersion` gives a 409 on a stale write. */
  async save(next: LivenessSettings, by: string, expectedVersion?: number): Promise<void> {
    const r = await this.ctx.storage.set(
      COLLECTION,
      ID,
      { ...next, updatedBy: by },
      expectedVersion !== undefined ? { expectedVersion } : undefined,
    );
    this.current = next;
    this.version = r.version;
    this.updatedAt = r.updatedAt;
    this.updatedBy = by;
  }
}
