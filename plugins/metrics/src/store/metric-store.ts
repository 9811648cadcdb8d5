import { type Labels, matchesSelector, parseSeriesId, seriesId } from '../series/series-id.js';

export type { Labels } from '../series/series-id.js';

import { CompactHistory } from './compact-history.js';
import type { History } from './history.js';
import { SeriesHistory } from './series-history.js';

/** One value of one series, as the collector produces it (labels without `node`). */
export interface Sample {
  name: string;
  labels: Labels;
  value: number;
}

/** A stored series: identity plus its history. `index` is its place in its node's dictionary. */
export interface SeriesEntry {
  id: string;
  name: string;
  node: string;
  labels: Labels;
  index: number;
  history: History;
}

/**
 * Every series of every node, keyed by id. Each node keeps an append-only dictionary (index →
 * id) that persisted batches refer to. At most `maxSeries` full-resolution series are kept
 * (default 2000: ~42 KB of typed arrays each, ~83 MB in all, inside the plugin host's OS data
 * cap of base + 2 x limits.memoryMb), and `maxRemoteSeries` compact ones of remote nodes
 * (default 100,000: 1.6 KB each, ~160 MB); samples of further new series are dropped and
 * counted in `dropped`.
 */
export class MetricStore {
  /** Samples refused because the store was full. */
  dropped = 0;
  /** Compact (remote node) series held. */
  remoteSize = 0;
  private readonly byId = new Map<string, SeriesEntry>();
  private readonly byNode = new Map<string, SeriesEntry[]>();

  constructor(
    readonly maxSeries = 2_000,
    readonly maxRemoteSeries = 100_000,
  ) {}

  /** Number of series held. */
  get size(): number {
    return this.byId.size;
  }

  /** The series `id`, or undefined. */
  get(id: string): SeriesEntry | undefined {
    return this.byId.get(id);
  }

  /** Node ids, in the order they were first seen. */
  nodes(): string[] {
    return [...this.byNode.keys()];
  }

  /** A node's dictionary: series ids by index. */
  dictionary(node: string): string[] {
    return (this.byNode.get(node) ?? []).map((e) => e.id);
  }

  /** A node's series in dictionary order. */
  ofNode(node: string): readonly SeriesEntry[] {
    return this.byNode.get(node) ?? [];
  }

  /**
   * The series with this id, created (with labels parsed from the id) when new and room is
   * left; `compact`: a remote node's series ({@link CompactHistory}).
   */
  ensure(id: string, compact = false): SeriesEntry | undefined {
    const found = this.byId.get(id);
    if (found) return found;
    if (
      compact ? this.remoteSize >= this.maxRemoteSeries : this.byId.size - this.remoteSize >= this.maxSeries
    )
      return undefined;
    const parsed = parseSeriesId(id);
    const node = parsed?.labels.node;
    if (!parsed || node === undefined) return undefined;
    const list = this.byNode.get(node) ?? [];
    if (list.length === 0) this.byNode.set(node, list);
    const entry: SeriesEntry = {
      id,
      name: parsed.name,
      node,
      labels: parsed.labels,
      index: list.length,
      history: compact ? new CompactHistory() : new SeriesHistory(),
    };
    list.push(entry);
    this.byId.set(id, entry);
    if (compact) this.remoteSize++;
    return entry;
  }

  /** Records one collection of `node` at epoch ms `at` (`compact`: a remote node's); returns the ids written. */
  record(node: string, at: number, samples: readonly Sample[], compact = false): string[] {
    const ids: string[] = [];
    for (const s of samples) {
      const entry = this.ensure(seriesId(s.name, { ...s.labels, node }), compact);
      if (!entry) {
        this.dropped++;
        continue;
      }
      entry.history.record(at, s.value);
      ids.push(entry.id);
    }
    return ids;
  }

  /**
   * The entries of `node`'s series named by `series` (`labels` without `node`), index for index;
   * created when new and room is left, undefined where the store is full. A collector whose
   * series stay the same resolves them once and records each second with {@link recordResolved}
   * (no id built, no object allocated per sample).
   */
  resolve(node: string, series: readonly { name: string; labels: Labels }[]): (SeriesEntry | undefined)[] {
    return series.map((s) => this.ensure(seriesId(s.name, { ...s.labels, node })));
  }

  /**
   * Records `values[i]` into `entries[i]` at epoch ms `at` (entries from {@link resolve}; a
   * missing one counts as dropped, as {@link record} counts it).
   */
  recordResolved(
    entries: readonly (SeriesEntry | undefined)[],
    at: number,
    values: readonly { value: number }[],
  ): void {
    for (let i = 0; i < values.length; i++) {
      const entry = entries[i];
      const v = values[i];
      if (entry === undefined || v === undefined) this.dropped++;
      else entry.history.record(at, v.value);
    }
  }

  /** Series matching a selector (`name` plus labels that must be equal), in stable order. */
  select(selector: { name: string; labels: Labels }): SeriesEntry[] {
    const out: SeriesEntry[] = [];
    for (const e of this.byId.values()) if (matchesSelector(selector, e.name, e.labels)) out.push(e);
    return out;
  }

  /** Every series, optionally of one node and/or one name. */
  list(filter: { node?: string; name?: string } = {}): SeriesEntry[] {
    const out: SeriesEntry[] = [];
    for (const e of this.byId.values()) {
      if (filter.node !== undefined && e.node !== filter.node) continue;
      if (filter.name !== undefined && e.name !== filter.name) continue;
      out.push(e);
    }
    return out;
  }
}
