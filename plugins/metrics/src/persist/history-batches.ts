import type { MetricStore, SeriesEntry } from '../store/metric-store.js';
import type { RingTier } from '../store/ring-tier.js';
import { TIERS } from '../store/tiers.js';
import { decodeFloat32, encodeFloat32 } from './base64.js';

/** Series per stored document, so one write stays far below the kernel's 1 MB call limit. */
export const SERIES_PER_DOC = 1_000;

/** One persisted block of one tier: `width` buckets from `first` for series `offset…offset+count-1`. */
export interface HistoryDoc {
  node: string;
  tier: 'raw' | 'minute' | 'hour';
  /** First bucket (in the tier's steps since the epoch). */
  first: number;
  /** Buckets in the block. */
  width: number;
  /** Numbers per bucket (1 raw; 3 min/avg/max). */
  fields: number;
  /** Dictionary index of the first series. */
  offset: number;
  count: number;
  /** Float32 values, series-major: [series][bucket][field], base64. */
  data: string;
}

const TIER_INDEX = { raw: 0, minute: 1, hour: 2 } as const;

/**
 * The documents holding buckets `first…first+width-1` of tier `tier` for every series of
 * `node`, split every {@link SERIES_PER_DOC} series.
 */
export function encodeBlock(
  store: MetricStore,
  node: string,
  tier: HistoryDoc['tier'],
  first: number,
  width: number,
): HistoryDoc[] {
  const series = store.ofNode(node);
  const ti = TIER_INDEX[tier];
  const fields = ti === 0 ? 1 : 3;
  const docs: HistoryDoc[] = [];
  for (let offset = 0; offset < series.length; offset += SERIES_PER_DOC) {
    const part = series.slice(offset, offset + SERIES_PER_DOC);
    const values = new Float32Array(part.length * width * fields);
    // A loop, not forEach: a closure made per flush gets optimised code that is lost with it.
    for (let i = 0; i < part.length; i++) {
      const ring = (part[i] as SeriesEntry).history.tiers[ti] as RingTier;
      for (let j = 0; j < width; j++)
        for (let f = 0; f < fields; f++) values[(i * width + j) * fields + f] = ring.get(first + j, f);
    }
    docs.push({ node, tier, first, width, fields, offset, count: part.length, data: encodeFloat32(values) });
  }
  return docs;
}

/**
 * Writes a stored block back into the series of its node (which must be in the store, in
 * dictionary order). Buckets outside the tier's window relative to `now` and absent values
 * are skipped. Returns false when the document is malformed.
 */
export function applyBlock(store: MetricStore, doc: HistoryDoc, now: number): boolean {
  const ti = TIER_INDEX[doc.tier];
  const spec = TIERS[ti];
  const values = typeof doc.data === 'string' ? decodeFloat32(doc.data) : null;
  if (!spec || !values || values.length !== doc.count * doc.width * doc.fields) return false;
  if (doc.fields !== (ti === 0 ? 1 : 3)) return false;
  const oldest = Math.floor(now / spec.stepMs) - spec.capacity + 1;
  const series = store.ofNode(doc.node);
  const cell = new Float32Array(doc.fields);
  for (let i = 0; i < doc.count; i++) {
    const e = series[doc.offset + i];
    if (!e) break;
    const ring = e.history.tiers[ti] as RingTier;
    for (let j = 0; j < doc.width; j++) {
      const b = doc.first + j;
      if (b < oldest) continue;
      const at = (i * doc.width + j) * doc.fields;
      let present = false;
      for (let f = 0; f < doc.fields; f++) {
        const v = values[at + f] ?? Number.NaN;
        cell[f] = v;
        if (!Number.isNaN(v)) present = true;
      }
      if (present) ring.put(b, cell);
    }
  }
  return true;
}
