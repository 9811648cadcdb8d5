import { type ReadText, readCpuLayout } from '@omega/hostinfo';
import * as si from 'systeminformation';
import type { Topology } from './types.js';

export { linuxTopologyKey } from '@omega/hostinfo';

/**
 * Reads the CPU model from systeminformation (a spec: at start and on hotplug only) and the
 * layout (sockets, cores, NUMA) from sysfs through @omega/hostinfo.
 */
export async function readLinuxTopology(
  sysRoot: string,
  readText: ReadText,
): Promise<Omit<Topology, 'hostname'>> {
  const [spec, layout] = await Promise.all([si.cpu(), readCpuLayout(sysRoot, readText)]);
  const { cpus } = layout;
  return {
    at: Date.now(),
    vendor: spec.manufacturer,
    model: spec.brand,
    sockets: layout.sockets ?? spec.processors,
    physicalCores: layout.physicalCores ?? spec.physicalCores,
    logicalCores: cpus.length > 0 ? cpus.length : spec.cores,
    cpus,
    numaNodes: layout.numaNodes,
  };
}
