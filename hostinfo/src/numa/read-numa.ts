import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { parseCpuList } from '../cpu/parse-cpu-list.js';
import { absent, present } from '../detected.js';
import { hostRoots, type RootOptions, readOptional } from '../io/host-roots.js';
import { parseMeminfo } from '../memory/parse-meminfo.js';
import type { NumaNodeInfo, NumaReading, NumaTopology } from './numa-types.js';
import { nodeMemory, parseNodeMeminfo } from './parse-node-meminfo.js';

/**
 * Reads NUMA nodes from `<root>/sys/devices/system/node` (cpulist, meminfo, distance per node)
 * and reconciles their memory with `<root>/proc/meminfo` (see {@link NumaMemoryReconciliation}).
 * Absent when the kernel has no NUMA support. No spawn. Topology is a slow-cadence figure (read at
 * start and on hotplug); the node memory in it is cheap enough for a 10 s cadence.
 */
export async function readNuma(options: RootOptions = {}): Promise<NumaReading> {
  const r = hostRoots(options);
  const dir = join(r.sys, 'devices/system/node');
  let names: string[];
  try {
    names = (await readdir(dir)).filter((n) => /^node\d+$/.test(n));
  } catch {
    return absent('no /sys/devices/system/node: the kernel was built without NUMA support');
  }
  if (names.length === 0) return absent('/sys/devices/system/node lists no node');
  const ids = names.map((n) => Number(n.slice(4))).sort((a, b) => a - b);
  const rows: number[][] = [];
  const nodes: NumaNodeInfo[] = [];
  for (const id of ids) {
    const nodeDir = join(dir, `node${id}`);
    const [cpulist, meminfo, distance] = await Promise.all([
      readOptional(r.readText, join(nodeDir, 'cpulist')),
      readOptional(r.readText, join(nodeDir, 'meminfo')),
      readOptional(r.readText, join(nodeDir, 'distance')),
    ]);
    const node: NumaNodeInfo = { node: id, cpus: cpulist === undefined ? [] : parseCpuList(cpulist) };
    const memory = meminfo === undefined ? undefined : nodeMemory(parseNodeMeminfo(meminfo));
    if (memory) node.memory = memory;
    nodes.push(node);
    rows.push(distance === undefined ? [] : distance.split(/\s+/).map(Number));
  }
  // `distance` lists one figure per *online* node in node order; keep the rows square.
  const distances = rows.every((row) => row.length === ids.length) ? rows : [];
  const topo: NumaTopology = { nodes, distances };
  const system = await readOptional(r.readText, join(r.proc, 'meminfo'));
  const fields = system === undefined ? undefined : parseMeminfo(system);
  const systemTotal = fields?.get('MemTotal');
  const systemFree = fields?.get('MemFree');
  if (systemTotal !== undefined && systemFree !== undefined && nodes.every((n) => n.memory)) {
    const nodesTotal = nodes.reduce((s, n) => s + n.memory!.totalBytes, 0);
    topo.memory = {
      systemTotalBytes: systemTotal,
      nodesTotalBytes: nodesTotal,
      unattributedBytes: systemTotal - nodesTotal,
      systemFreeBytes: systemFree,
      nodesFreeBytes: nodes.reduce((s, n) => s + n.memory!.freeBytes, 0),
    };
  }
  return present(topo);
}
