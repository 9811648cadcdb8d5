import { nodeIdFrom } from '../node-id.js';
import type { MetricStore } from '../store/metric-store.js';
import { loadSamples, type NodeLoad } from './load-samples.js';

/** The newest load of one remote node (for /latest and the Prometheus exposition). */
export interface RemoteSnapshot {
  node: string;
  /** The nodes plugin's id of the node. */
  id: string;
  at: number;
  load: NodeLoad;
}

/** Most remote nodes whose newest load is kept. */
const MAX_REMOTE = 20_000;
/** A node name as the nodes plugin allows it. */
const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/;

/**
 * Records the load summaries the nodes plugin publishes (`nodes.load`, `{ at, nodes: [{ id,
 * name, load }] }`) as compact series keyed by `node` = the node's name. The kernel's own host
 * (`local`, its collector's node) is skipped: its full 1 s collection already covers it.
 * Answers how many nodes were recorded.
 */
export function ingestNodeLoads(
  store: MetricStore,
  remote: Map<string, RemoteSnapshot>,
  local: string,
  data: unknown,
): number {
  if (data === null || typeof data !== 'object') return 0;
  const d = data as { at?: unknown; nodes?: unknown };
  const at = typeof d.at === 'number' && Number.isFinite(d.at) ? d.at : undefined;
  if (at === undefined || !Array.isArray(d.nodes)) return 0;
  let n = 0;
  for (const entry of d.nodes) {
    const e = entry as { id?: unknown; name?: unknown; load?: unknown };
    if (typeof e?.name !== 'string' || !NAME.test(e.name) || typeof e.id !== 'string') continue;
    if (e.name === local || nodeIdFrom(e.name) === local) continue;
    const samples = loadSamples(e.load);
    if (samples.length === 0) continue;
    store.record(e.name, at, samples, true);
    if (remote.has(e.name) || remote.size < MAX_REMOTE)
      remote.set(e.name, { node: e.name, id: e.id.slice(0, 128), at, load: e.load as NodeLoad });
    n++;
  }
  return n;
}
