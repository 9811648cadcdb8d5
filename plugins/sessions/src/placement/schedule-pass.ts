import { chooseNode, fillOrder } from './choose-node.js';
import { cloneFree } from './node-free.js';
import { pendingReason } from './pending-reason.js';
import type { Demand, Fit, NodeFree } from './placement-types.js';

/** The outcome of one scheduling pass. */
export interface PassResult {
  placed: Array<{ demand: Demand; fit: Fit }>;
  waiting: Array<{ demand: Demand; reason: string }>;
}

/** A demand's size for "decreasing": its dominant share of the largest node (CPU, memory, GPUs). */
function sizer(free: ReadonlyMap<string, NodeFree>): (d: Demand) => number {
  let cpu = 1;
  let mem = 1;
  let gpu = 0;
  for (const f of free.values()) {
    cpu = Math.max(cpu, f.totalMillicores);
    mem = Math.max(mem, f.node.memoryBytes);
    gpu = Math.max(gpu, f.node.gpus.length);
  }
  return (d) => Math.max(d.millicores / cpu, d.memoryBytes / mem, gpu > 0 ? d.gpus / gpu : 0);
}

/** Packs `list` decreasing by size into a copy of `free`; the placements, or undefined when one does not fit. */
function packDecreasing(
  list: readonly Demand[],
  free: ReadonlyMap<string, NodeFree>,
  order: readonly string[],
  size: (d: Demand) => number,
): { free: Map<string, NodeFree>; placed: Array<{ demand: Demand; fit: Fit }> } | undefined {
  const trial = cloneFree(free);
  const sorted = list.map((d, i) => ({ d, i, s: size(d) })).sort((a, b) => b.s - a.s || a.i - b.i);
  const placed: Array<{ demand: Demand; fit: Fit }> = [];
  for (const { d } of sorted) {
    const fit = chooseNode(d, trial, order);
    if (!fit) return undefined;
    placed.push({ demand: d, fit });
  }
  return { free: trial, placed };
}

/**
 * One scheduling pass over the pending queue, already in start order (priority, then age).
 * The longest prefix of the queue that fits as a whole is packed decreasing by size (first
 * fit decreasing for bin-pack: as tight as FFD, and nobody younger takes an older session's
 * place); the rest are then tried one by one in queue order and start where they fit
 * (backfill, no reservations). Everything still waiting gets the reason it waits.
 * `free` is updated with what was placed.
 */
export function schedulePass(queue: readonly Demand[], free: Map<string, NodeFree>): PassResult {
  const order = fillOrder(free);
  const size = sizer(free);
  const whole = packDecreasing(queue, free, order, size);
  if (whole) {
    for (const [id, f] of whole.free) free.set(id, f);
    return { placed: whole.placed, waiting: [] };
  }
  let lo = 0;
  let hi = queue.length - 1;
  let best = packDecreasing([], free, order, size)!;
  // Binary search for the longest prefix that packs (FFD is near-monotone; the backfill below covers the rest).
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    const packed = packDecreasing(queue.slice(0, mid), free, order, size);
    if (packed) {
      lo = mid;
      best = packed;
    } else hi = mid - 1;
  }
  const placed = [...best.placed];
  const waiting: PassResult['waiting'] = [];
  const after = best.free;
  for (const d of queue.slice(lo)) {
    const fit = chooseNode(d, after, order);
    if (fit) placed.push({ demand: d, fit });
    else waiting.push({ demand: d, reason: pendingReason(d, after) });
  }
  for (const [id, f] of after) free.set(id, f);
  return { placed, waiting };
}
