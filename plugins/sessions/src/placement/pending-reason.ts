import { formatSize } from '../spec/parse-size.js';
import { fitOnNode, gpuModelMatches, ineligible } from './fit-node.js';
import { freeCpuCount } from './node-free.js';
import type { Demand, NodeFree } from './placement-types.js';

/** Nodes named in a reason before "and N more". */
const NAMED = 3;

/** `4 cores`, `1 core`, `1.5 cores`. */
export function coresText(millicores: number): string {
  const c = millicores / 1000;
  const n = Number.isInteger(c) ? String(c) : String(Number(c.toFixed(3)));
  return `${n} ${c === 1 ? 'core' : 'cores'}`;
}

const gpusText = (n: number, model?: string): string =>
  `${n} ${model ? `${model} ` : ''}GPU${n === 1 ? '' : 's'}`;

function named(items: string[]): string {
  const shown = items.slice(0, NAMED).join('; ');
  return items.length > NAMED ? `${shown}; and ${items.length - NAMED} more` : shown;
}

/** The most of one resource any node offers, and where. */
function largest(nodes: NodeFree[], of: (f: NodeFree) => number): { value: number; node: string } {
  let best = { value: Number.NEGATIVE_INFINITY, node: '' };
  for (const f of nodes) {
    const v = of(f);
    if (v > best.value || (v === best.value && f.node.name < best.node))
      best = { value: v, node: f.node.name };
  }
  return best;
}

/** What the reasons of demands of one kind (selector, needs, GPU ask) share on one free state. */
interface KindFacts {
  matching: number;
  excluded: string[];
  eligible: NodeFree[];
  totalCpu: { value: number; node: string };
  totalMem: { value: number; node: string };
  wholeCpu: { value: number; node: string };
  shareCpu: { value: number; node: string };
  mem: { value: number; node: string };
  gpu: { value: number; node: string } | undefined;
  /** The first eligible node with room for the CPU part, by the CPU ask. */
  near: Map<string, NodeFree | undefined>;
}

function kindFacts(d: Demand, all: readonly NodeFree[]): KindFacts {
  const matching = all.filter((f) => ineligible(d, f.node) !== 'does not match the node selector');
  const excluded: string[] = [];
  const eligible: NodeFree[] = [];
  for (const f of matching) {
    const why = ineligible(d, f.node);
    if (why === undefined) eligible.push(f);
    else excluded.push(`${f.node.name} ${why}`);
  }
  return {
    matching: matching.length,
    excluded,
    eligible,
    totalCpu: largest(eligible, (f) => f.totalMillicores),
    totalMem: largest(eligible, (f) => f.node.memoryBytes),
    wholeCpu: largest(eligible, (f) => freeCpuCount(f) * 1000),
    shareCpu: largest(eligible, (f) => f.millicores),
    mem: largest(eligible, (f) => f.memoryBytes),
    gpu:
      d.gpus > 0
        ? largest(eligible, (f) => {
            const models = new Map(f.node.gpus.map((g) => [g.index, g.model]));
            return [...f.freeGpus].filter((i) => gpuModelMatches(models.get(i) ?? '', d.gpuModel)).length;
          })
        : undefined,
    near: new Map(),
  };
}

/**
 * Reasons for many demands on one free state (the end of a scheduling pass): what demands of
 * the same kind share (which nodes they may use, the largest free of each resource) is worked
 * out once, so 500 waiting sessions cost a few node scans, not 500. Same words as
 * {@link pendingReason}.
 */
export function reasonsOn(free: ReadonlyMap<string, NodeFree>): (d: Demand) => string {
  const all = [...free.values()];
  const kinds = new Map<string, KindFacts>();
  return (d) => {
    if (all.length === 0) return 'no node has joined yet';
    const kind = `${JSON.stringify(d.selector)}|${d.needs.join(',')}|${d.gpus}|${d.gpuModel ?? ''}`;
    let k = kinds.get(kind);
    if (!k) {
      k = kindFacts(d, all);
      kinds.set(kind, k);
    }
    return explain(d, k);
  };
}

function explain(d: Demand, k: KindFacts): string {
  if (k.matching === 0) return `no node matches the node selector`;
  if (k.eligible.length === 0) return `no node can take it: ${named(k.excluded)}`;
  const cores = d.cores;
  const cpuOf = (f: NodeFree) => (cores !== undefined ? freeCpuCount(f) * 1000 : f.millicores);
  if (k.totalCpu.value < d.millicores)
    return `needs ${coresText(d.millicores)}; the largest node has ${coresText(k.totalCpu.value)} (${k.totalCpu.node})`;
  if (k.totalMem.value < d.memoryBytes)
    return `needs ${formatSize(d.memoryBytes)} memory; the largest node has ${formatSize(k.totalMem.value)} (${k.totalMem.node})`;
  const short: string[] = [];
  const cpu = cores !== undefined ? k.wholeCpu : k.shareCpu;
  if (cpu.value < d.millicores)
    short.push(
      `needs ${coresText(d.millicores)}; the largest free is ${coresText(Math.max(0, cpu.value)).replace(/ cores?$/, '')} on ${cpu.node}`,
    );
  if (k.mem.value < d.memoryBytes)
    short.push(
      `needs ${formatSize(d.memoryBytes)} memory; the largest free is ${formatSize(Math.max(0, k.mem.value))} on ${k.mem.node}`,
    );
  if (k.gpu && k.gpu.value < d.gpus)
    short.push(`needs ${gpusText(d.gpus, d.gpuModel)}; the most free is ${k.gpu.value} on ${k.gpu.node}`);
  if (short.length > 0) return short.join('; ');
  // Every resource is free somewhere, never all on one node.
  const parts = [coresText(d.millicores), `${formatSize(d.memoryBytes)} memory`];
  if (d.gpus > 0) parts.push(gpusText(d.gpus, d.gpuModel));
  const ask = `${cores ?? '-'}/${d.millicores}`;
  if (!k.near.has(ask))
    k.near.set(
      ask,
      k.eligible.find((f) => fitOnNode({ ...d, memoryBytes: 0, gpus: 0 }, f)),
    );
  const near = k.near.get(ask);
  const hint = near
    ? ` (${near.node.name} has ${coresText(cpuOf(near))} but ${formatSize(Math.max(0, near.memoryBytes))} memory free)`
    : '';
  return `needs ${parts.join(', ')} on one node; no node has all of it free${hint}`;
}

/**
 * Why a demand waits, in words an operator can act on: no node matches, every candidate is
 * held (cordoned, draining, down) or does not enforce what it needs, it is larger than any
 * node, or — the usual case — the resource that is short: "needs 4 cores; the largest free is
 * 2 on h3". Called only for a demand that fits nowhere now.
 */
export function pendingReason(d: Demand, free: ReadonlyMap<string, NodeFree>): string {
  return reasonsOn(free)(d);
}
