import { type PluginContext, StoredSettings } from '@omega/sdk';
import { applySettings, DEFAULT_SETTINGS, type Settings } from './settings.js';

const COLLECTION = 'settings';
const KEY_ID = 'probe-key';

/** The settings, durable (record `settings/current`), with a version for 409 on a stale write; and the cluster's probe key. */
export class SettingsStore extends StoredSettings<Settings> {
  current: Settings = {
    probe: { ...DEFAULT_SETTINGS.probe },
    thresholds: { ...DEFAULT_SETTINGS.thresholds },
  };

  constructor(ctx: PluginContext) {
    super(ctx, COLLECTION, 'current');
  }

  /** Loads the stored settings; a stored value that no longer validates falls back to the defaults. */
  async load(): Promise<void> {
    const stored = await this.read();
    if (!stored) return;
    const applied = applySettings(DEFAULT_SETTINGS, { probe: stored.probe, thresholds: stored.thresholds });
    if ('settings' in applied) this.current = applied.settings;
  }

  /** Stores `next` (validated by the caller); `expectedVersion` gives a 409 on a stale write. */
  async save(next: Settings, by: string, expectedVersion?: number): Promise<void> {
    await this.write(next, by, expectedVersion);
    this.current = next;
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
