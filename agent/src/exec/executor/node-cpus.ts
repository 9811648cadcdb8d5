import { join } from 'node:path';
import { parseCpuList } from '@omega/hostinfo';
import { readText } from '../cgroup/cgroup-files.js';
import type { CgroupLayout } from '../cgroup/cgroup-layout.js';

/** The cores and memory nodes sessions may be pinned to: the executor's cpuset, else what the machine has online. */
export async function nodeCpus(
  layout: CgroupLayout,
  fsRoot = '',
): Promise<{ cpus: number[]; mems: number[] }> {
  const read = async (...paths: string[]): Promise<number[] | null> => {
    for (const p of paths) {
      const t = (await readText(p))?.trim();
      if (t) return parseCpuList(t);
    }
    return null;
  };
  const v1 = layout.v1.cpuset?.base;
  const v2 = layout.unified?.controllers.includes('cpuset') ? layout.unified.base : null;
  const cpus = (v1 && (await read(join(v1, 'cpuset.effective_cpus'), join(v1, 'cpuset.cpus')))) ||
    (v2 && (await read(join(v2, 'cpuset.cpus.effective')))) ||
    (await read(join(fsRoot, '/sys/devices/system/cpu/online'))) || [0];
  const mems = (v1 && (await read(join(v1, 'cpuset.effective_mems'), join(v1, 'cpuset.mems')))) ||
    (v2 && (await read(join(v2, 'cpuset.mems.effective')))) ||
    (await read(join(fsRoot, '/sys/devices/system/node/online'))) || [0];
  return { cpus, mems };
}
