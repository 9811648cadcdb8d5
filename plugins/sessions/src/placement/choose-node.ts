import { fitOnNode, ineligible } from './fit-node.js';
import { takeFit, usedShare } from './node-free.js';
import type { Demand, Fit, NodeFree } from './placement-types.js';

/**
 * Picks a node for one demand and takes its capacity from `free`. Bin-pack: the first node in
 * `order` (fullest first, then by name) where it fits — first fit; spread: the node with the
 * most room left (least used share). Answers the fit, or undefined when no node has room.
 */
export function chooseNode(
  d: Demand,
  free: Map<string, NodeFree>,
  order: readonly string[],
): Fit | undefined {
  let best: { fit: Fit; f: NodeFree; share: number } | undefined;
  for (const id of order) {
    const f = free.get(id);
    if (!f || ineligible(d, f.node) !== undefined) continue;
    const fit = fitOnNode(d, f);
    if (!fit) continue;
    if (d.strategy === 'binpack') {
      best = { fit, f, share: 0 };
      break;
    }
    const share = usedShare(f);
    if (!best || share < best.share) best = { fit, f, share };
  }
  if (!best) return undefined;
  takeFit(best.f, best.fit, d.millicores, d.memoryBytes);
  return best.fit;
}

/** The first-fit order of a pass: fullest nodes first (so bin-pack fills them), then by name. */
export function fillOrder(free: ReadonlyMap<string, NodeFree>): string[] {
  return [...free.values()]
    .map((f) => ({ id: f.node.id, name: f.node.name, share: usedShare(f) }))
    .sort((a, b) => b.share - a.share || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .map((x) => x.id);
}
