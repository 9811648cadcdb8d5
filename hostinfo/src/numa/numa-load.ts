import type { CoreUsage } from '../types.js';
import type { NumaNodeInfo, NumaNodeLoad } from './numa-types.js';

/**
 * Per-node load: the mean busy share of each node's CPUs, from per-core usage (e.g.
 * `createCpuTracker().next(...).cores`, /proc/stat deltas). Pure; cheap for the 1 s path.
 */
export function numaLoad(nodes: readonly NumaNodeInfo[], cores: readonly CoreUsage[]): NumaNodeLoad[] {
  const busy = new Map<number, number>();
  for (const c of cores) busy.set(c.cpu, c.busy);
  return nodes.map((n) => {
    let sum = 0;
    let count = 0;
    for (const cpu of n.cpus) {
      const b = busy.get(cpu);
      if (b === undefined) continue;
      sum += b;
      count++;
    }
    return count > 0 ? { node: n.node, busy: sum / count, cpus: count } : { node: n.node, cpus: 0 };
  });
}
