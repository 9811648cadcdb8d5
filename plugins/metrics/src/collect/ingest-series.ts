import { INGESTED_SERIES } from '../series/ingested-series.js';
import type { Sample } from '../store/metric-store.js';

/** The topic other plugins publish series on for this plugin to record. */
export const INGEST_TOPIC = 'resources.series';

/** One node's samples from one ingest event, validated. */
export interface IngestedBatch {
  node: string;
  at: number;
  samples: Sample[];
}

/** What one event held: the batches to record and what was refused (counted, never recorded). */
export interface IngestResult {
  batches: IngestedBatch[];
  refused: number;
}

const NODE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;
const LABEL_VALUE_MAX = 256;
/** Samples older or newer than this against the collector's clock are refused (a wrong clock, a replay). */
const SKEW_MS = 10 * 60_000;

/**
 * Validates a `resources.series` event (`{ at, nodes: [{ node, samples: [[name, labels, value]] }] }`):
 * only names of INGESTED_SERIES, each with only its own labels (string values, ≤ 256
 * characters; never `node`, which comes from the entry), finite values, and a time within ten
 * minutes of `now`. Anything else is refused and counted, so a bad publisher cannot fill the
 * store with names of its own.
 */
export function ingestSeries(data: unknown, now: number): IngestResult {
  const out: IngestResult = { batches: [], refused: 0 };
  const d = data as { at?: unknown; nodes?: unknown } | null;
  if (d === null || typeof d !== 'object' || !Array.isArray(d.nodes)) return { batches: [], refused: 1 };
  const at = d.at;
  if (typeof at !== 'number' || !Number.isFinite(at) || Math.abs(at - now) > SKEW_MS)
    return { batches: [], refused: d.nodes.length };
  for (const entry of d.nodes) {
    const e = entry as { node?: unknown; samples?: unknown } | null;
    if (!e || typeof e.node !== 'string' || !NODE.test(e.node) || !Array.isArray(e.samples)) {
      out.refused++;
      continue;
    }
    const samples: Sample[] = [];
    for (const raw of e.samples) {
      const s = sample(raw);
      if (s) samples.push(s);
      else out.refused++;
    }
    if (samples.length > 0) out.batches.push({ node: e.node, at, samples });
  }
  return out;
}

function sample(raw: unknown): Sample | undefined {
  if (!Array.isArray(raw) || raw.length !== 3) return undefined;
  const [name, labels, value] = raw as [unknown, unknown, unknown];
  if (typeof name !== 'string' || !Object.hasOwn(INGESTED_SERIES, name)) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value)) return undefined;
  if (labels === null || typeof labels !== 'object' || Array.isArray(labels)) return undefined;
  const allowed = INGESTED_SERIES[name]!.labels;
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(labels)) {
    if (!allowed.includes(k) || typeof v !== 'string' || v.length === 0 || v.length > LABEL_VALUE_MAX)
      return undefined;
    out[k] = v;
  }
  return { name, labels: out, value };
}
