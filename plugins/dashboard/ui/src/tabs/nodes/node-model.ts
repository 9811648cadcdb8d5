/**
 * A node as the dashboard shows it, read leniently from the nodes plugin's API objects
 * (`{ id, version, spec, status, … }`, docs/dashboard.md "Expected shapes"): a missing field
 * is shown as absent, never invented.
 */
export interface NodeView {
  id: string;
  name: string;
  state: string;
  reason: string;
  since: string;
  labels: Record<string, string>;
  address: string;
  cpuCapacity: number | null;
  cpuAllocated: number | null;
  memoryCapacity: number | null;
  memoryAllocated: number | null;
  gpuCapacity: number | null;
  gpuAllocated: number | null;
  heartbeatAt: string;
  version: number;
  raw: unknown;
}

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : {});
const str = (...vs: unknown[]): string => {
  for (const v of vs) if (typeof v === 'string' && v) return v;
  return '';
};
const num = (...vs: unknown[]): number | null => {
  for (const v of vs) if (typeof v === 'number' && Number.isFinite(v)) return v;
  return null;
};

/** Reads one node object. */
export function readNode(raw: unknown): NodeView {
  const n = obj(raw);
  const spec = obj(n.spec);
  const status = obj(n.status);
  const cap = obj(status.capacity ?? spec.capacity ?? n.capacity);
  const alloc = obj(status.allocated ?? n.allocated);
  const labels = obj(spec.labels ?? n.labels);
  return {
    id: str(n.id, n.name),
    name: str(spec.name, n.name, n.hostname, n.id),
    state: str(status.state, n.state) || 'unknown',
    reason: str(status.reason, n.reason),
    since: str(status.since, n.since),
    labels: Object.fromEntries(Object.entries(labels).filter(([, v]) => typeof v === 'string')) as Record<
      string,
      string
    >,
    address: str(status.address, spec.address, n.address),
    cpuCapacity: num(cap.cpuMillis, cap.millicores, cap.cpu),
    cpuAllocated: num(alloc.cpuMillis, alloc.millicores, alloc.cpu),
    memoryCapacity: num(cap.memoryBytes, cap.memory),
    memoryAllocated: num(alloc.memoryBytes, alloc.memory),
    gpuCapacity: num(cap.gpus, cap.gpu),
    gpuAllocated: num(alloc.gpus, alloc.gpu),
    heartbeatAt: str(status.heartbeatAt, status.lastHeartbeat, n.heartbeatAt),
    version: num(n.version) ?? 0,
    raw,
  };
}

/** Counts per state, with the distinct reasons seen in each (for "3 down: agent stopped, unreachable"). */
export function groupByState<T extends { state: string; reason: string }>(
  items: readonly T[],
): Array<{ state: string; count: number; reasons: string[] }> {
  const m = new Map<string, { count: number; reasons: Set<string> }>();
  for (const i of items) {
    const g = m.get(i.state) ?? { count: 0, reasons: new Set<string>() };
    g.count++;
    if (i.reason) g.reasons.add(i.reason);
    m.set(i.state, g);
  }
  return [...m.entries()]
    .map(([state, g]) => ({ state, count: g.count, reasons: [...g.reasons].slice(0, 5) }))
    .sort((a, b) => b.count - a.count);
}
