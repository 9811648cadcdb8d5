/** The `n` lowest CPUs of a set, ascending. */
function lowest(set: ReadonlySet<number>, n: number): number[] {
  const all = [...set];
  let sorted = true;
  for (let i = 1; i < all.length && sorted; i++) sorted = all[i - 1]! < all[i]!;
  if (!sorted) all.sort((a, b) => a - b);
  return all.length > n ? all.slice(0, n) : all;
}

/**
 * Picks `n` free CPUs, NUMA-aware: all on one NUMA node when one has room (the one with the
 * fewest free CPUs that still fits, so larger holes stay for larger sessions), else from as few
 * NUMA nodes as possible, the emptiest first. Lowest CPU numbers first within a NUMA node.
 * Answers the CPUs and their memory nodes, or undefined when fewer than `n` are free.
 * Placement calls it for every node it tries, so it copies only the NUMA node(s) it picks.
 */
export function pickCpus(
  freeCpus: ReadonlyMap<number, ReadonlySet<number>>,
  n: number,
): { cpus: number[]; mems: number[] } | undefined {
  let total = 0;
  let single: { node: number; set: ReadonlySet<number> } | undefined;
  for (const [node, set] of freeCpus) {
    total += set.size;
    if (
      set.size >= n &&
      (!single || set.size < single.set.size || (set.size === single.set.size && node < single.node))
    )
      single = { node, set };
  }
  if (total < n) return undefined;
  if (single) return { cpus: lowest(single.set, n), mems: [single.node] };
  const zones = [...freeCpus]
    .map(([node, set]) => ({ node, set }))
    .sort((a, b) => b.set.size - a.set.size || a.node - b.node);
  const cpus: number[] = [];
  const mems: number[] = [];
  for (const z of zones) {
    if (cpus.length >= n) break;
    if (z.set.size === 0) continue;
    cpus.push(...lowest(z.set, n - cpus.length));
    mems.push(z.node);
  }
  return { cpus: cpus.sort((a, b) => a - b), mems: mems.sort((a, b) => a - b) };
}
