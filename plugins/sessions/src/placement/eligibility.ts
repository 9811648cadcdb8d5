import { ineligible } from './fit-node.js';
import type { Demand, NodeFree } from './placement-types.js';

/** Which nodes of a pass's order a demand may ever use, by position (1 = eligible). */
export type Eligibility = (d: Demand) => Uint8Array;

/**
 * Eligibility of demands for the nodes of one pass (selector, holds, enforcement, GPU model:
 * nothing that changes while the pass packs), computed once per kind of demand instead of for
 * every demand × node × trial packing. Demands with the same selector, needs and GPU ask share
 * one answer, so a queue of 1,000 look-alike sessions costs a handful of node scans.
 */
export function eligibility(free: ReadonlyMap<string, NodeFree>, order: readonly string[]): Eligibility {
  const byDemand = new WeakMap<Demand, Uint8Array>();
  const byKind = new Map<string, Uint8Array>();
  return (d) => {
    const known = byDemand.get(d);
    if (known) return known;
    const kind = `${JSON.stringify(d.selector)}|${d.needs.join(',')}|${d.gpus}|${d.gpuModel ?? ''}`;
    let ok = byKind.get(kind);
    if (!ok) {
      ok = new Uint8Array(order.length);
      for (let i = 0; i < order.length; i++) {
        const f = free.get(order[i]!);
        ok[i] = f && ineligible(d, f.node) === undefined ? 1 : 0;
      }
      byKind.set(kind, ok);
    }
    byDemand.set(d, ok);
    return ok;
  };
}
