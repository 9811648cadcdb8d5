import { printable } from '../liveness/reasons.js';
/** One Slurm node as a submit host's `slurm.nodes` report states it (validated). */
export interface ReportedSlurmNode {
  name: string;
  state: string;
  reason: string | null;
  cpus: number;
  allocatedCpus: number;
  memoryMiB: number;
  allocatedMemoryMiB: number;
  gpus: number;
  partitions: string[];
}

/** Most Slurm nodes taken from one report. */
export const MAX_SLURM_NODES = 10_000;

/** A Slurm node name: what Slurm allows in a NodeName, bounded. */
const SLURM_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/;

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);
const count = (v: unknown): number =>
  typeof v === 'number' && Number.isFinite(v) && v >= 0 ? Math.min(Math.floor(v), 1e9) : 0;

/**
 * The nodes of a `slurm.nodes` report (an agent's claim: every field checked and bounded; a
 * node without a usable name is skipped, a repeated name keeps its first entry). Undefined when
 * `data` is not a report at all (then nothing already known is dropped).
 */
export function readSlurmNodes(data: unknown): ReportedSlurmNode[] | undefined {
  if (!isObj(data) || !Array.isArray(data.nodes)) return undefined;
  const seen = new Set<string>();
  const out: ReportedSlurmNode[] = [];
  for (const n of data.nodes.slice(0, MAX_SLURM_NODES)) {
    if (!isObj(n) || typeof n.name !== 'string' || !SLURM_NAME.test(n.name) || seen.has(n.name)) continue;
    seen.add(n.name);
    out.push({
      name: n.name,
      state: typeof n.state === 'string' ? n.state.toLowerCase().slice(0, 32) : 'unknown',
      reason: typeof n.reason === 'string' && printable(n.reason) ? printable(n.reason).slice(0, 256) : null,
      cpus: count(n.cpus),
      allocatedCpus: count(n.allocatedCpus),
      memoryMiB: count(n.memoryMiB),
      allocatedMemoryMiB: count(n.allocatedMemoryMiB),
      gpus: Math.min(count(n.gpus), 64),
      partitions: Array.isArray(n.partitions)
        ? n.partitions.filter((p): p is string => typeof p === 'string' && SLURM_NAME.test(p)).slice(0, 32)
        : [],
    });
  }
  return out;
}
