import type { Allocation, Fit, NodeFree, PlacementNode } from './placement-types.js';

/** Free capacity of each node: its capacity minus what the allocations on it reserve. */
export function freeCapacity(
  nodes: readonly PlacementNode[],
  allocations: Iterable<Allocation>,
): Map<string, NodeFree> {
  const out = new Map<string, NodeFree>();
  for (const n of nodes) {
    const cpus = n.numa.reduce((s, z) => s + z.cpus.length, 0);
    out.set(n.id, {
      node: n,
      totalMillicores: cpus * 1000,
      millicores: cpus * 1000,
      freeCpus: new Map(n.numa.map((z) => [z.node, new Set(z.cpus)])),
      memoryBytes: n.memoryBytes,
      freeGpus: new Set(n.gpus.map((g) => g.index)),
    });
  }
  for (const a of allocations) {
    const f = out.get(a.node);
    if (!f) continue;
    f.millicores -= a.millicores;
    f.memoryBytes -= a.memoryBytes;
    for (const c of a.cpus) for (const set of f.freeCpus.values()) set.delete(c);
    for (const g of a.gpus) f.freeGpus.delete(g);
  }
  return out;
}

/** A deep copy of one node's free capacity. */
export function cloneNodeFree(f: NodeFree): NodeFree {
  return {
    ...f,
    freeCpus: new Map([...f.freeCpus].map(([z, s]) => [z, new Set(s)])),
    freeGpus: new Set(f.freeGpus),
  };
}

/** Takes what `fit` gives a demand of `millicores` and `memoryBytes` from the node's free capacity. */
export function takeFit(f: NodeFree, fit: Fit, millicores: number, memoryBytes: number): void {
  f.millicores -= millicores;
  f.memoryBytes -= memoryBytes;
  for (const c of fit.cpus ?? []) for (const set of f.freeCpus.values()) set.delete(c);
  for (const g of fit.gpus) f.freeGpus.delete(g);
}

/** Free whole CPUs of a node. */
export function freeCpuCount(f: NodeFree): number {
  let n = 0;
  for (const s of f.freeCpus.values()) n += s.size;
  return n;
}

/** Share of the node in use (the larger of CPU and memory), for bin-pack and spread ordering. */
export function usedShare(f: NodeFree): number {
  const cpu = f.totalMillicores > 0 ? 1 - f.millicores / f.totalMillicores : 1;
  const mem = f.node.memoryBytes > 0 ? 1 - f.memoryBytes / f.node.memoryBytes : 1;
  return Math.max(cpu, mem);
}
