import type { NodeSummary } from '@omega/plugin-nodes/contract';
import type { EnforcedFeature, PlacementNode } from './placement-types.js';

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj | undefined =>
  v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : undefined;
const ints = (v: unknown): number[] | undefined =>
  Array.isArray(v) ? v.filter((x): x is number => Number.isInteger(x) && x >= 0 && x < 65_536) : undefined;

const FEATURES: readonly EnforcedFeature[] = ['memory', 'cpuCap', 'cpuset', 'pids', 'diskQuota'];

/** Why a node takes no new sessions, from its registry summary; undefined when it does. */
export function unschedulableReason(n: NodeSummary): string | undefined {
  if (n.managedBy === 'slurm') return 'is managed by Slurm (run work there as a Slurm session)';
  if (n.state !== 'ready') return `is ${n.state} (${n.reason})`;
  if (n.draining) return 'is draining';
  if (n.cordoned) return 'is cordoned';
  return undefined;
}

/**
 * A registry node as placement weighs it. CPUs: the NUMA layout from its specs, narrowed to the
 * cores its executor may pin (the enforcement report's `cpus`), else 0…threads-1 on one NUMA
 * node. What the report says is not enforced is kept with the node's own words (an
 * `approximate` pids limit counts as enforced, as the executor does).
 */
export function toPlacementNode(n: NodeSummary, extraHold?: string): PlacementNode {
  const report = obj(n.cgroup);
  const allowed = ints(report?.cpus);
  const allowedSet = allowed && allowed.length > 0 ? new Set(allowed) : undefined;
  const threads = n.capacity.threads || n.capacity.cores;
  let numa = n.capacity.numa
    .map((z) => ({ node: z.node, cpus: z.cpus.filter((c) => !allowedSet || allowedSet.has(c)) }))
    .filter((z) => z.cpus.length > 0);
  if (numa.length === 0) {
    const cpus = allowed && allowed.length > 0 ? allowed : Array.from({ length: threads }, (_, i) => i);
    numa = [{ node: 0, cpus }];
  }
  const notEnforced: PlacementNode['notEnforced'] = {};
  const features = obj(report?.features);
  for (const f of FEATURES) {
    const e = obj(features?.[f]);
    if (!e) continue;
    const level = e.level;
    if (level === 'enforced' || (f === 'pids' && level === 'approximate')) continue;
    notEnforced[f] = typeof e.text === 'string' ? e.text.slice(0, 200) : String(level);
  }
  const hold = unschedulableReason(n) ?? extraHold;
  return {
    id: n.id,
    name: n.name,
    labels: n.labels,
    ...(hold ? { unschedulable: hold } : {}),
    numa,
    memoryBytes: n.capacity.memoryBytes,
    gpus: n.capacity.gpus.map((g) => ({ index: g.index, model: g.model })),
    notEnforced,
  };
}
