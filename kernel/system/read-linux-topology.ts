import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import * as si from 'systeminformation';
import { parseCpuList } from './parse-cpu-list.js';
import type { LogicalCpu, NumaNode, Topology } from './types.js';

type ReadText = (path: string) => Promise<string>;

const maybe = async <T>(p: Promise<T>): Promise<T | undefined> => {
  try {
    return await p;
  } catch {
    return undefined;
  }
};

/** A cheap signature of the topology (online CPUs and NUMA nodes): re-read everything when it changes. */
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

/** Reads the CPU model from systeminformation and the layout (sockets, cores, NUMA) from sysfs. */
export async function readLinuxTopology(
  sysRoot: string,
  readText: ReadText,
): Promise<Omit<Topology, 'hostname'>> {
  const [spec, online, nodes] = await Promise.all([
    si.cpu(),
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
  const complete = cpus.length > 0 && known.length === cpus.length;
  return {
    at: Date.now(),
    vendor: spec.manufacturer,
    model: spec.brand,
    sockets: complete ? new Set(known.map((c) => c.socket)).size : spec.processors,
    physicalCores: complete ? new Set(known.map((c) => `${c.socket}:${c.core}`)).size : spec.physicalCores,
    logicalCores: cpus.length > 0 ? cpus.length : spec.cores,
    cpus,
    numaNodes: nodes,
  };
}
