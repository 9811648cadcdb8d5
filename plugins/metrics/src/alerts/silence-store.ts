import { listAll, type PluginStorage, type StoredRecord } from '../persist/plugin-storage.js';
import { type Silence, silenceActive, silenceMatches, type Who } from './silence.js';

/** Collection of the silences. */
export const SILENCES_COLLECTION = 'silences';

/** A stored silence: the record's id, version and timestamps, and the silence. */
export type SilenceRecord = StoredRecord<Silence & { expiryNoted?: true }>;

/** Silences in force at once (a 409 past it), and how long an expired one stays listed. */
export const MAX_ACTIVE_SILENCES = 1_000;
export const EXPIRED_KEPT_MS = 7 * 86_400_000;

const SILENCE_ID = /^sil-[a-z0-9]{1,24}$/;

/** True when `id` may name a silence. */
export function isSilenceId(id: string): boolean {
  return SILENCE_ID.test(id);
}

/**
 * Silences kept in the plugin's storage, so they survive a restart. {@link sweep} notices those
 * that ran out on their own (once each: the record remembers it was noted, also across a
 * restart) and forgets those expired longer than {@link EXPIRED_KEPT_MS}.
 */
export class SilenceStore {
  private readonly silences = new Map<string, SilenceRecord>();
  private counter = 0;

  constructor(private readonly storage: PluginStorage) {}

  /** Loads the stored silences. */
  async load(): Promise<void> {
    for (const r of await listAll<SilenceRecord['value']>(this.storage, SILENCES_COLLECTION))
      this.silences.set(r.id, r);
  }

  /** Every silence, newest first; `state` keeps the active or the expired ones. */
  list(now: number, state?: 'active' | 'expired'): SilenceRecord[] {
    return [...this.silences.values()]
      .filter((r) => state === undefined || silenceActive(r.value, now) === (state === 'active'))
      .sort((a, b) => b.value.startsAt - a.value.startsAt || (a.id < b.id ? 1 : -1));
  }

  /** One silence. */
  get(id: string): SilenceRecord | undefined {
    return this.silences.get(id);
  }

  /** The silences in force at `now` that cover an alert of `rule` with `labels`. */
  matching(rule: string, labels: Record<string, string>, now: number): SilenceRecord[] {
    const out: SilenceRecord[] = [];
    for (const r of this.silences.values())
      if (silenceActive(r.value, now) && silenceMatches(r.value, rule, labels)) out.push(r);
    return out;
  }

  /** Silences in force at `now`. */
  activeCount(now: number): number {
    let n = 0;
    for (const r of this.silences.values()) if (silenceActive(r.value, now)) n++;
    return n;
  }

  /** Stores a new silence under a fresh, time-ordered id. */
  async create(s: Silence): Promise<SilenceRecord> {
    const id = `sil-${s.startsAt.toString(36)}${(this.counter++).toString(36)}`;
    const rec = (await this.storage.set(SILENCES_COLLECTION, id, s, { expectedVersion: 0 })) as SilenceRecord;
    this.silences.set(id, rec);
    return rec;
  }

  /** Ends a silence now (`expectedVersion`: 409 when stale); storage errors propagate. */
  async expire(id: string, by: Who, now: number, expectedVersion?: number): Promise<SilenceRecord> {
    const old = this.silences.get(id);
    if (!old) throw new Error(`no silence ${id}`);
    const value = { ...old.value, endsAt: now, expiredBy: by, expiryNoted: true as const };
    const rec = (await this.storage.set(SILENCES_COLLECTION, id, value, {
      expectedVersion: expectedVersion ?? old.version,
    })) as SilenceRecord;
    this.silences.set(id, rec);
    return rec;
  }

  /**
   * The silences that ran out on their own since the last sweep (each returned once, noted in
   * storage); drops those expired for longer than {@link EXPIRED_KEPT_MS}.
   */
  async sweep(now: number): Promise<SilenceRecord[]> {
    const out: SilenceRecord[] = [];
    for (const r of [...this.silences.values()]) {
      if (silenceActive(r.value, now) || r.value.startsAt > now) continue;
      if (now - r.value.endsAt > EXPIRED_KEPT_MS) {
        this.silences.delete(r.id);
        await this.storage.delete(SILENCES_COLLECTION, r.id);
        continue;
      }
      if (r.value.expiryNoted) continue;
      const value = { ...r.value, expiryNoted: true as const };
      const rec = (await this.storage.set(SILENCES_COLLECTION, r.id, value)) as SilenceRecord;
      this.silences.set(r.id, rec);
      out.push(rec);
    }
    return out;
  }
}
