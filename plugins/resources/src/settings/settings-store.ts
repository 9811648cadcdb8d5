import type { PluginContext } from '@omega/sdk';
import { applySettings, DEFAULT_SETTINGS, type Settings } from './settings.js';

const COLLECTION = 'settings';
const ID = 'current';
const KEY_ID = 'probe-key';

/** The settings, durable, with a version for 409 on a stale write; and the cluster's probe key. */
export class SettingsStore {
  current: Settings = {
    probe: { ...DEFAULT_SETTINGS.probe },
    thresholds: { ...DEFAULT_SETTINGS.thresholds },
  };
  version = 0;
  updatedAt: string | undefined;
  updatedBy: string | undefined;

  constructor(private readonly ctx: PluginContext) {}

  /** Loads the stored settings; a stored value that no longer validates falls back to the defaults. */
  async load(): Promise<void> {
    const r = await this.ctx.storage.get<Partial<Settings> & { updatedBy?: string }>(COLLECTION, ID);
    if (!r) return;
    this.version = r.version;
    this.updatedAt = r.updatedAt;
    this.updatedBy = r.value.updatedBy;
    const applied = applySettings(DEFAULT_SETTINGS, { probe: r.value.probe, thresholds: r.value.thresholds });
    if ('settings' in applied) this.current = applied.settings;
  }

  /** Stores `next` (validated by the caller); `expectedVersion` gives a 409 on a stale write. */
  async save(next: Settings, by: string, expectedVersion?: number): Promise<void> {
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

  /**
   * The key every agent MACs its probes with (32 random bytes, base64url) and its id, made once
   * and kept in the plugin's storage. It only stops strangers from using the agents' responders
   * (a reply is never larger than the request); it is never logged.
   */
  async probeKey(): Promise<{ key: string; keyId: number }> {
    const r = await this.ctx.storage.get<{ key: string; keyId: number }>(COLLECTION, KEY_ID);
    if (r && typeof r.value.key === 'string' && /^[A-Za-z0-9_-]{43}$/.test(r.value.key)) return r.value;
    const key = (await this.ctx.crypto.random(32)).slice(0, 43);
    const keyId = ((r?.value.keyId ?? 0) + 1) & 0xffff;
    await this.ctx.storage.set(COLLECTION, KEY_ID, { key, keyId });
    return { key, keyId };
  }
}
