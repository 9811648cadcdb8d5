import { listAll, type PluginStorage, type StoredRecord } from '../persist/plugin-storage.js';
import type { Who } from './silence.js';

/** Collection of the acknowledgements. */
export const ACKS_COLLECTION = 'acks';

/** Someone's acknowledgement of one alert: it lasts until the alert resolves. */
export interface Ack {
  rule: string;
  series: string;
  reason: string;
  by: Who;
  /** Epoch ms. */
  at: number;
}

/** A stored acknowledgement, keyed by the alert's id. */
export type AckRecord = StoredRecord<Ack>;

/** Acknowledgements kept in the plugin's storage (a restart keeps them while the alert holds). */
export class AckStore {
  private readonly acks = new Map<string, AckRecord>();

  constructor(private readonly storage: PluginStorage) {}

  /** Loads the stored acknowledgements. */
  async load(): Promise<void> {
    for (const r of await listAll<Ack>(this.storage, ACKS_COLLECTION)) this.acks.set(r.id, r);
  }

  /** The acknowledgement of alert `id`. */
  get(id: string): AckRecord | undefined {
    return this.acks.get(id);
  }

  /** How many alerts are acknowledged. */
  get size(): number {
    return this.acks.size;
  }

  /** Alert ids acknowledged. */
  ids(): string[] {
    return [...this.acks.keys()];
  }

  /** Records (or replaces) the acknowledgement of alert `id`. */
  async set(id: string, ack: Ack): Promise<AckRecord> {
    const rec = (await this.storage.set(ACKS_COLLECTION, id, ack)) as AckRecord;
    this.acks.set(id, rec);
    return rec;
  }

  /** Forgets the acknowledgement of alert `id` (it resolved); false when there was none. */
  async delete(id: string): Promise<boolean> {
    if (!this.acks.delete(id)) return false;
    return this.storage.delete(ACKS_COLLECTION, id);
  }
}
