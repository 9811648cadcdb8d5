import type { MetricStore } from '../store/metric-store.js';
import { SeriesHistory } from '../store/series-history.js';
import { TIERS } from '../store/tiers.js';
import { applyBlock, encodeBlock, type HistoryDoc, SERIES_PER_DOC } from './history-batches.js';
import { listAll, type PluginStorage } from './plugin-storage.js';

const [RAW, MINUTE, HOUR] = TIERS;
const PER_MINUTE = MINUTE.stepMs / RAW.stepMs;
const PER_HOUR = HOUR.stepMs / MINUTE.stepMs;

/** Collections the history lives in. */
export const HISTORY_COLLECTIONS = { series: 'series', raw: 'raw', minute: 'minute', hour: 'hour' } as const;

/** What a restore found. */
export interface RestoreReport {
  series: number;
  docs: number;
  malformed: number;
}

type Doc = { collection: string; id: string; value: unknown };

/**
 * Persists history in batches: when a node's first sample of a new minute arrives, the
 * finished minute is encoded at once and written as one group of documents (its 60 raw
 * samples, its minute bucket, its hour bucket so far, and the node's series dictionary when
 * it grew), all in one turn so the kernel commits them together. A crash loses at most the
 * minute in progress; `flushNow` (on deactivate) writes that too. Documents reuse a fixed
 * set of ids (minute mod 60, mod 1440, hour mod 720), so storage stays bounded.
 */
export class HistoryPersister {
  private readonly lastMinute = new Map<string, number>();
  private readonly dictSaved = new Map<string, number>();
  private chain: Promise<void> = Promise.resolve();
  /** Batches written, and failed writes. */
  readonly stats = { batches: 0, failures: 0 };

  constructor(
    private readonly storage: PluginStorage,
    private readonly store: MetricStore,
    private readonly onError: (err: unknown) => void = () => {},
  ) {}

  /** Call after each collection of `node` at epoch ms `at`: writes the previous minute once it ends. */
  afterSample(node: string, at: number): void {
    const minute = Math.floor(at / MINUTE.stepMs);
    const last = this.lastMinute.get(node);
    this.lastMinute.set(node, minute);
    if (last !== undefined && minute > last) this.enqueue(node, last);
  }

  /** Writes the minute in progress of every node now (graceful stop); resolves when all writes ended. */
  async flushNow(): Promise<void> {
    for (const [node, minute] of this.lastMinute) this.enqueue(node, minute);
    await this.idle();
  }

  /** Resolves when every queued write has ended. */
  idle(): Promise<void> {
    return this.chain;
  }

  /** Encodes the batch now (the store moves on) and writes it after the batches before it. */
  private enqueue(node: string, minute: number): void {
    const dict = this.store.dictionary(node);
    const docs: Doc[] = [];
    if ((this.dictSaved.get(node) ?? 0) < dict.length)
      docs.push({ collection: HISTORY_COLLECTIONS.series, id: node, value: { node, ids: dict } });
    const put = (blocks: HistoryDoc[], slot: number) => {
      for (const d of blocks)
        docs.push({ collection: d.tier, id: `${node}:${slot}:${d.offset / SERIES_PER_DOC}`, value: d });
    };
    const hour = Math.floor(minute / PER_HOUR);
    put(
      encodeBlock(this.store, node, 'raw', minute * PER_MINUTE, PER_MINUTE),
      minute % (RAW.capacity / PER_MINUTE),
    );
    put(encodeBlock(this.store, node, 'minute', minute, 1), minute % MINUTE.capacity);
    put(encodeBlock(this.store, node, 'hour', hour, 1), hour % HOUR.capacity);
    const write = () => this.write(node, dict.length, docs);
    this.chain = this.chain.then(write, write);
  }

  private async write(node: string, dictLength: number, docs: Doc[]): Promise<void> {
    // All in one turn, so the kernel's group commit writes the batch as one file replace.
    const results = await Promise.allSettled(docs.map((d) => this.storage.set(d.collection, d.id, d.value)));
    let failed = false;
    for (const r of results) {
      if (r.status === 'rejected') {
        failed = true;
        this.stats.failures++;
        this.onError(r.reason);
      }
    }
    if (!failed) this.dictSaved.set(node, Math.max(this.dictSaved.get(node) ?? 0, dictLength));
    this.stats.batches++;
  }

  /** Loads what earlier runs persisted into the (empty) store; blocks older than each tier's window are skipped. */
  async restore(now: number): Promise<RestoreReport> {
    const report: RestoreReport = { series: 0, docs: 0, malformed: 0 };
    const dicts = await listAll<{ node: string; ids: string[] }>(this.storage, HISTORY_COLLECTIONS.series);
    for (const rec of dicts) {
      const { node, ids } = rec.value ?? ({} as { node?: string; ids?: string[] });
      if (typeof node !== 'string' || !Array.isArray(ids)) continue;
      for (const id of ids) if (typeof id === 'string' && this.store.ensure(id)) report.series++;
      this.dictSaved.set(node, this.store.dictionary(node).length);
    }
    for (const tier of ['raw', 'minute', 'hour'] as const) {
      // Raw blocks are the big ones (60 samples x up to 1000 series each): fewer per page.
      const docs = (await listAll<HistoryDoc>(this.storage, tier, undefined, tier === 'raw' ? 10 : 200))
        .map((r) => r.value)
        .filter((d) => d !== null && typeof d === 'object' && typeof d.first === 'number')
        .sort((a, b) => a.first - b.first);
      for (const d of docs) {
        if (d.tier !== tier || !applyBlock(this.store, d, now)) report.malformed++;
        else report.docs++;
      }
    }
    // Hours the minute tier still covers are recomputed from it: exact for the hour in progress.
    for (const node of this.store.nodes())
      for (const e of this.store.ofNode(node)) {
        if (!(e.history instanceof SeriesHistory)) continue;
        const minutes = e.history.tiers[1];
        if (minutes.head === Number.NEGATIVE_INFINITY) continue;
        const last = Math.floor(minutes.head / PER_HOUR);
        // (from the first hour wholly inside the window: an older one keeps its stored aggregate).
        for (let h = Math.ceil(minutes.oldest / PER_HOUR); h <= last; h++) e.history.refreshHour(h);
      }
    return report;
  }
}
