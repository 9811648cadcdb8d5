import { absent, type Detected, type NumaReading, present } from '@omega/hostinfo';
import type { NumaNodeSummary, ResourceDetail, ResourceSummary } from '../resource-report.js';
import type { IntervalFigures } from '../sampling/interval-figures.js';

type CoreBusy = NonNullable<IntervalFigures['cpu']>['cores'];

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const r4 = (n: number) => Math.round(n * 1e4) / 1e4;

/** Mean and highest busy share of `cpus` over the interval (undefined when none was measured). */
function loadOf(
  cpus: readonly number[],
  cores: CoreBusy | undefined,
): { busy: number; busyMax: number } | undefined {
  if (!cores) return undefined;
  const set = new Set(cpus);
  const mine = cores.filter((c) => set.has(c.cpu));
  if (mine.length === 0) return undefined;
  return { busy: r4(mean(mine.map((c) => c.busy))), busyMax: r4(Math.max(...mine.map((c) => c.max))) };
}

/** Why per-core load is absent this interval. */
function cpuAbsent(f: IntervalFigures | undefined): string {
  if (!f) return 'no interval measured yet: per-core load comes with the next report';
  const stat = Object.entries(f.failed).find(([k]) => k.endsWith('/stat'));
  return stat
    ? `cannot read ${stat[0]}: ${stat[1]}`
    : 'fewer than two readings of /proc/stat in the interval';
}

/** The NUMA part of the detail: topology, memory (reconciled) and load per node and per CPU. */
export function numaDetail(
  numa: NumaReading,
  f: IntervalFigures | undefined,
): NonNullable<ResourceDetail['numa']> {
  const cores = f?.cpu?.cores;
  const nodeOf = new Map<number, number>();
  if (numa.available) for (const n of numa.nodes) for (const c of n.cpus) nodeOf.set(c, n.node);
  const topology: NonNullable<ResourceDetail['numa']>['topology'] = numa.available
    ? present({
        nodes: numa.nodes.map((n) => ({ ...n, ...loadOf(n.cpus, cores) })),
        distances: numa.distances,
        ...(numa.memory ? { memory: numa.memory } : {}),
      })
    : numa;
  const cpu: NonNullable<ResourceDetail['numa']>['cpu'] =
    f?.cpu && cores
      ? present({
          intervalSeconds: Math.round((f.to - f.from) / 1000),
          busy: f.cpu.total.busy,
          max: f.cpu.total.max,
          cores: cores.map((c) => {
            const node = nodeOf.get(c.cpu);
            return node === undefined ? { ...c } : { cpu: c.cpu, node, busy: c.busy, max: c.max };
          }),
        })
      : absent(cpuAbsent(f));
  return { topology, cpu };
}

/** The NUMA and CPU parts of the summary. */
export function numaSummary(
  numa: NumaReading,
  f: IntervalFigures | undefined,
): Pick<ResourceSummary, 'numa' | 'cpu'> {
  const cores = f?.cpu?.cores;
  const nodes: Detected<{ nodes: NumaNodeSummary[] }> = numa.available
    ? present({
        nodes: numa.nodes.map((n) => {
          const s: NumaNodeSummary = { node: n.node, cpus: n.cpus.length };
          const load = loadOf(n.cpus, cores);
          if (load) s.busy = load.busy;
          if (n.memory) {
            s.memTotalBytes = n.memory.totalBytes;
            s.memUsedBytes = n.memory.usedBytes;
          }
          return s;
        }),
      })
    : numa;
  const cpu: ResourceSummary['cpu'] = f?.cpu
    ? present({ busy: f.cpu.total.busy, max: f.cpu.total.max, cores: f.cpu.cores.length })
    : absent(cpuAbsent(f));
  return { numa: nodes, cpu };
}
