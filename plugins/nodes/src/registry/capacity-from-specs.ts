import type { GpuCapacity, NodeCapacity, NumaCapacity } from '../contract.js';

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj | undefined =>
  v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : undefined;
const count = (v: unknown): number | undefined =>
  typeof v === 'number' && Number.isFinite(v) && v >= 0 ? Math.floor(v) : undefined;
const first = (...vs: unknown[]): number | undefined => {
  for (const v of vs) {
    const n = count(v);
    if (n !== undefined) return n;
  }
  return undefined;
};
const str = (v: unknown, max = 128): string | undefined =>
  typeof v === 'string' ? v.slice(0, max) : undefined;

/** Most GPUs and NUMA nodes kept per node (specs are the agent's claim: bounded). */
const MAX_DEVICES = 64;
const MAX_CPUS = 4096;

function gpus(v: unknown): GpuCapacity[] {
  if (!Array.isArray(v)) return [];
  return v.slice(0, MAX_DEVICES).flatMap((g, i) => {
    const o = obj(g);
    if (!o) return [];
    return [
      {
        index: first(o.index) ?? i,
        model: str(o.model) ?? str(o.name) ?? '',
        memoryBytes: first(o.memoryBytes, o.memoryTotalBytes, o.memTotal) ?? 0,
      },
    ];
  });
}

function numa(v: unknown): NumaCapacity[] {
  if (!Array.isArray(v)) return [];
  return v.slice(0, MAX_DEVICES).flatMap((n, i) => {
    const o = obj(n);
    if (!o) return [];
    const cpus = Array.isArray(o.cpus) ? o.cpus.slice(0, MAX_CPUS).flatMap((c) => count(c) ?? []) : [];
    const mem = obj(o.memory);
    return [
      {
        node: first(o.node, o.id) ?? i,
        cpus,
        memoryBytes: first(o.memoryBytes, o.memoryTotalBytes, mem?.totalBytes) ?? 0,
      },
    ];
  });
}

/**
 * A node's capacity from the specs its agent sent (an untrusted claim, read defensively).
 * Accepted shapes, first match wins: `cpu.{physicalCores|cores}`, `cpu.{logicalCores|threads}`
 * (or the same at the top level), `memory.totalBytes` (or `memoryBytes`), `gpus[]`
 * (`index`, `model`, `memoryTotalBytes|memoryBytes`), `numa[]` or `numaNodes[]`
 * (`node`, `cpus`, `memoryTotalBytes|memory.totalBytes`). Missing figures are 0 / empty.
 */
export function capacityFromSpecs(specs: unknown): NodeCapacity {
  const s = obj(specs) ?? {};
  const cpu = obj(s.cpu) ?? {};
  const memory = obj(s.memory) ?? {};
  const threads = first(cpu.logicalCores, cpu.threads, s.logicalCores, s.threads) ?? 0;
  return {
    cores: first(cpu.physicalCores, cpu.cores, s.physicalCores, s.cores) ?? threads,
    threads,
    memoryBytes: first(memory.totalBytes, s.memoryBytes, memory.total) ?? 0,
    gpus: gpus(Array.isArray(s.gpus) ? s.gpus : (obj(s.gpus)?.gpus ?? obj(s.gpu)?.gpus)),
    numa: numa(Array.isArray(s.numa) ? s.numa : (s.numaNodes ?? obj(s.numa)?.nodes)),
  };
}
