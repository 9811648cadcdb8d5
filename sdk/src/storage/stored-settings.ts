import type { PluginContext } from '../context/plugin-context.js';

/**
 * A plugin's settings as one durable record (`collection`/`id` in its storage), with the version,
 * time and author of the last write: the part every settings store repeats. A plugin's store
 * extends it, keeps its `current` settings, and decides what a stored value means (defaults for
 * what is missing or out of range) — the base reads and writes, never judges.
 *
 * @example
 * class SettingsStore extends StoredSettings<MySettings> {
 *   current = { ...DEFAULTS };
 *   constructor(ctx: PluginContext) { super(ctx, 'settings', 'mine'); }
 *   async load() { const stored = await this.read(); if (stored) this.current = merge(DEFAULTS, stored); }
 *   async save(next: MySettings, by: string, version?: number) { await this.write(next, by, version); this.current = next; }
 * }
 */
export abstract class StoredSettings<S extends object> {
  /** The stored record's version (0 before the first write): what a client sends back to get a 409 on a stale write. */
  version = 0;
  /** When the record was last written (ISO time), undefined before the first write. */
  updatedAt: string | undefined;
  /** Who wrote it last (an actor's name), undefined before the first write. */
  updatedBy: string | undefined;

  protected constructor(
    protected readonly ctx: PluginContext,
    private readonly collection: string,
    private readonly id: string,
  ) {}

  /**
   * Reads the stored record, taking its version, time and author; answers the stored settings as
   * they are (unchecked: stored by an older version, maybe) or undefined when none is stored.
   */
  protected async read(): Promise<Partial<S> | undefined> {
    const r = await this.ctx.storage.get<Partial<S> & { updatedBy?: string }>(this.collection, this.id);
    if (!r) return undefined;
    this.version = r.version;
    this.updatedAt = r.updatedAt;
    this.updatedBy = r.value.updatedBy;
    const { updatedBy: _by, ...stored } = r.value;
    return stored as Partial<S>;
  }

  /**
   * Stores `next` (validated by the caller) as written by `by`; with `expectedVersion`, a record
   * written meanwhile makes it fail with the storage's `OMEGA_ERR_CONFLICT` and nothing changes.
   */
  protected async write(next: S, by: string, expectedVersion?: number): Promise<void> {
    const r = await this.ctx.storage.set(
      this.collection,
      this.id,
      { ...next, updatedBy: by },
      expectedVersion !== undefined ? { expectedVersion } : undefined,
    );
    this.version = r.version;
    this.updatedAt = r.updatedAt;
    this.updatedBy = by;
  }
}
