import { selectorMatches } from '@omega/sdk';
import { freeCpuCount } from './node-free.js';
import { pickCpus } from './pick-cpus.js';
import type { Demand, Fit, NodeFree, PlacementNode } from './placement-types.js';

/** True when a GPU's model satisfies the demand's (a case-insensitive substring: `a100` matches `NVIDIA A100-SXM4-80GB`). */
export function gpuModelMatches(model: string, wanted: string | undefined): boolean {
  return wanted === undefined || model.toLowerCase().includes(wanted.toLowerCase());
}

/** Why a node can never take this demand as it is now (selector, hold, enforcement, GPU model), or undefined. */
export function ineligible(d: Demand, n: PlacementNode): string | undefined {
  if (!selectorMatches(d.selector, n.labels)) return 'does not match the node selector';
  if (n.unschedulable) return n.unschedulable;
  for (const f of d.needs) {
    const why = n.notEnforced[f];
    if (why !== undefined) return `does not enforce the ${FEATURE_TEXT[f]} (${why})`;
  }
  if (d.gpus > 0 && n.gpus.filter((g) => gpuModelMatches(g.model, d.gpuModel)).length < d.gpus)
    return d.gpuModel ? `has fewer than ${d.gpus} ${d.gpuModel} GPUs` : `has fewer than ${d.gpus} GPUs`;
  return undefined;
}

/** Words for enforced features in reasons. */
export const FEATURE_TEXT = {
  memory: 'memory limit',
  cpuCap: 'cpu cap',
  cpuset: 'pinned cores',
  pids: 'pids limit',
  diskQuota: 'disk quota',
} as const;

/** Where on this node the demand fits now (CPUs, memory nodes, GPUs), or undefined. */
export function fitOnNode(d: Demand, f: NodeFree): Fit | undefined {
  if (f.millicores < d.millicores || f.memoryBytes < d.memoryBytes) return undefined;
  const fit: Fit = { node: f.node.id, gpus: [] };
  if (d.cores !== undefined) {
    if (freeCpuCount(f) < d.cores) return undefined;
    const picked = pickCpus(f.freeCpus, d.cores);
    if (!picked) return undefined;
    fit.cpus = picked.cpus;
    fit.mems = picked.mems;
  }
  if (d.gpus > 0) {
    const models = new Map(f.node.gpus.map((g) => [g.index, g.model]));
    const free = [...f.freeGpus]
      .filter((i) => gpuModelMatches(models.get(i) ?? '', d.gpuModel))
      .sort((a, b) => a - b);
    if (free.length < d.gpus) return undefined;
    fit.gpus = free.slice(0, d.gpus);
  }
  return fit;
}
