import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { ReadText } from '../io/host-roots.js';
import type { LogicalCpu, NumaNode } from '../types.js';
import { parseCpuList } from './parse-cpu-list.js';

/** Where each online logical CPU sits (sysfs), and the NUMA nodes with their CPUs and memory. */
export interface CpuLayout {
  cpus: LogicalCpu[];
  numaNodes: NumaNode[];
  /** Distinct sockets, when every CPU says its package; else undefined (ask another source). */
  sockets?: number;
  /** Distinct (socket, core) pairs, when every CPU says both; else undefined. */
  physicalCores?: number;
}

const maybe = async <T>(p: Promise<T>): Promise<T | undefined> => {
  try {
    return await p;
  } catch {
    return undefined;
  }
};

/**
 * A cheap signature of the layout (online CPUs and NUMA nodes): two small sysfs files, so it
 * can be checked often and the layout re-read only when it changes (hotplug).
 */
export async function linuxTopologyKey(sysRoot: string, readText: ReadText): Promise<string> {
  const [cpus, nodes] = await Promise.all([
    maybe(readText(join(sysRoot, 'devices/system/cpu/online'))),
    maybe(readText(join(sysRoot, 'devices/system/node/online'))),
  ]);
  return `${cpus?.trim()}|${nodes?.trim()}`;
}

async function numaNodes(sysRoot: string, readText: ReadText): Promise<NumaNode[]> {
  const dir = join(sysRoot, 'devices/system/node');
  const names = ((await maybe(readdir(dir))) ?? []).filter((n) => /^node\d+$/.test(n));
  const nodes = await Promise.all(
    names.map(async (name): Promise<NumaNode> => {
      const node: NumaNode = { node: Number(name.slice(4)), cpus: [] };
      const cpulist = await maybe(readText(join(dir, name, 'cpulist')));
      if (cpulist !== undefined) node.cpus = parseCpuList(cpulist);
      const meminfo = await maybe(readText(join(dir, name, 'meminfo')));
      const total = meminfo && /MemTotal:\s+(\d+) kB/.exec(meminfo);
      if (total) node.memoryTotalBytes = Number(total[1]) * 1024;
      return node;
    }),
  );
  return nodes.sort((a, b) => a.node - b.node);
}

/**
 * Reads the CPU layout from sysfs: online CPUs, each one's package and core id, and NUMA
 * nodes. Slow cadence: at start and when {@link linuxTopologyKey} changes.
 */
export async function readCpuLayout(sysRoot: string, readText: ReadText): Promise<CpuLayout> {
  const [online, nodes] = await Promise.all([
    maybe(readText(join(sysRoot, 'devices/system/cpu/online'))),
    numaNodes(sysRoot, readText),
  ]);
  const nodeOf = new Map<number, number>();
  for (const n of nodes) for (const c of n.cpus) nodeOf.set(c, n.node);
  const ids = online === undefined ? [] : parseCpuList(online);
  const cpus = await Promise.all(
    ids.map(async (cpu): Promise<LogicalCpu> => {
      const dir = join(sysRoot, `devices/system/cpu/cpu${cpu}/topology`);
      const [pkg, core] = await Promise.all([
        maybe(readText(join(dir, 'physical_package_id'))),
        maybe(readText(join(dir, 'core_id'))),
      ]);
      const out: LogicalCpu = { cpu };
      if (pkg !== undefined) out.socket = Number(pkg.trim());
      if (core !== undefined) out.core = Number(core.trim());
      const node = nodeOf.get(cpu);
      if (node !== undefined) out.node = node;
      return out;
    }),
  );
  const known = cpus.filter((c) => c.socket !== undefined && c.core !== undefined);
  const layout: CpuLayout = { cpus, numaNodes: nodes };
  if (cpus.length > 0 && known.length === cpus.length) {
    layout.sockets = new Set(known.map((c) => c.socket)).size;
    layout.physicalCores = new Set(known.map((c) => `${c.socket}:${c.core}`)).size;
  }
  return layout;
}
