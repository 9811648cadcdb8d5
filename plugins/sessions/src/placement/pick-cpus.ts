/**
 * Picks `n` free CPUs, NUMA-aware: all on one NUMA node when one has room (the one with the
 * fewest free CPUs that still fits, so larger holes stay for larger sessions), else from as few
 * NUMA nodes as possible, the emptiest first. Lowest CPU numbers first within a NUMA node.
 * Answers the CPUs and their memory nodes, or undefined when fewer than `n` are free.
 */
export function pickCpus(
  freeCpus: ReadonlyMap<number, ReadonlySet<number>>,
  n: number,
): { cpus: number[]; mems: number[] } | undefined {
  const zones = [...freeCpus].map(([node, set]) => ({ node, cpus: [...set].sort((a, b) => a - b) }));
  const total = zones.reduce((s, z) => s + z.cpus.length, 0);
  if (total < n) return undefined;
  const single = zones
    .filter((z) => z.cpus.length >= n)
    .sort((a, b) => a.cpus.length - b.cpus.length || a.node - b.node)[0];
  if (single) return { cpus: single.cpus.slice(0, n), mems: [single.node] };
  const cpus: number[] = [];
  const mems: number[] = [];
  for (const z of zones.sort((a, b) => b.cpus.length - a.cpus.length || a.node - b.node)) {
    if (cpus.length >= n) break;
    if (z.cpus.length === 0) continue;
    cpus.push(...z.cpus.slice(0, n - cpus.length));
    mems.push(z.node);
  }
  return { cpus: cpus.sort((a, b) => a - b), mems: mems.sort((a, b) => a - b) };
}
