import { fitOnNode, ineligible } from './fit-node.js';
import { usedShare } from './node-free.js';
import type { Demand, Fit, NodeFree } from './placement-types.js';

/**
 * Finds a node for one demand without taking anything, among `nodes` in first-fit order (a
 * pass's {@link fillOrder}; `undefined` slots are skipped). Bin-pack: the first node where it
 * fits — first fit; spread: the node with the most room left (least used share). `eligible`
 * (by position, see {@link eligibility}) saves re-judging selectors and holds; without it each
 * node is judged. Answers the position and the fit.
 */
export function findNode(
  d: Demand,
  nodes: readonly (NodeFree | undefined)[],
  eligible?: Uint8Array,
): { at: number; fit: Fit } | undefined {
  let best: { at: number; fit: Fit; share: number } | undefined;
  for (let i = 0; i < nodes.length; i++) {
    const f = nodes[i];
    // the scalar test first: on a busy cluster most nodes are too full, and it is the cheapest
    if (!f || f.millicores < d.millicores || f.memoryBytes < d.memoryBytes) continue;
    if (eligible ? eligible[i] !== 1 : ineligible(d, f.node) !== undefined) continue;
    const fit = fitOnNode(d, f);
    if (!fit) continue;
    if (d.strategy === 'binpack') return { at: i, fit };
    const share = usedShare(f);
    if (!best || share < best.share) best = { at: i, fit, share };
  }
  return best;
}

/** The first-fit order of a pass: fullest nodes first (so bin-pack fills them), then by name. */
export function fillOrder(free: ReadonlyMap<string, NodeFree>): string[] {
  return [...free.values()]
    .map((f) => ({ id: f.node.id, name: f.node.name, share: usedShare(f) }))
    .sort((a, b) => b.share - a.share || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .map((x) => x.id);
}
