import { join } from 'node:path';
import { formatCpuList } from '@omega/hostinfo';
import type { SessionResources } from '../spec/session-spec.js';
import { readText, writeOptional, writeText } from './cgroup-files.js';
import type { CgroupLayout } from './cgroup-layout.js';
import { controllerSource } from './controller-source.js';
import type { SessionCgroup } from './session-cgroup.js';

/** The CFS period the executor uses for CPU caps (100 ms, the kernel default). */
export const CPU_PERIOD_US = 100_000;

/** One limit written for a session: what, the value, and the file that enforces it. */
export interface AppliedLimit {
  limit: 'cpuWeight' | 'cpuCap' | 'cpuset' | 'memory' | 'pids';
  value: string;
  mechanism: string;
}

/** cgroup v2 weight (1–10000, default 100) → v1 shares (default 1024). */
export const weightToShares = (w: number): number =>
  Math.min(262_144, Math.max(2, Math.round((w * 1024) / 100)));

/** Millicores → CFS quota per {@link CPU_PERIOD_US} (at least 1 ms, the kernel's minimum). */
export const millicoresToQuotaUs = (m: number): number =>
  Math.max(1000, Math.round((m * CPU_PERIOD_US) / 1000));

async function cpuset(cg: SessionCgroup, layout: CgroupLayout, res: SessionResources, out: AppliedLimit[]) {
  const src = controllerSource(layout, 'cpuset');
  const dir = src === 'v2' ? cg.paths.unified : cg.paths.v1.cpuset;
  if (!src || !dir) return;
  if (res.cpus) {
    // mems first on v1 (a cpuset needs both before anything may join), cpus second
    const mems = res.mems
      ? formatCpuList(res.mems)
      : ((await readText(join(dir, '..', 'cpuset.effective_mems'))) ?? '').trim();
    await writeText(join(dir, 'cpuset.mems'), mems);
    await writeText(join(dir, 'cpuset.cpus'), formatCpuList(res.cpus));
    out.push({
      limit: 'cpuset',
      value: `cpus ${formatCpuList(res.cpus)} mems ${mems}`,
      mechanism: `cgroup ${src} cpuset`,
    });
  } else if (src === 'v1') {
    for (const knob of ['mems', 'cpus']) {
      const parent = ((await readText(join(dir, '..', `cpuset.effective_${knob}`))) ?? '').trim();
      await writeText(join(dir, `cpuset.${knob}`), parent);
    }
  }
}

async function cpu(cg: SessionCgroup, layout: CgroupLayout, res: SessionResources, out: AppliedLimit[]) {
  const src = controllerSource(layout, 'cpu');
  const dir = src === 'v2' ? cg.paths.unified : cg.paths.v1.cpu;
  if (!src || !dir) return;
  if (res.cpuWeight !== undefined) {
    if (src === 'v2') await writeText(join(dir, 'cpu.weight'), String(res.cpuWeight));
    else await writeText(join(dir, 'cpu.shares'), String(weightToShares(res.cpuWeight)));
    out.push({
      limit: 'cpuWeight',
      value: String(res.cpuWeight),
      mechanism: src === 'v2' ? 'cgroup v2 cpu.weight' : 'cgroup v1 cpu.shares',
    });
  }
  if (res.millicores !== undefined) {
    const quota = millicoresToQuotaUs(res.millicores);
    if (src === 'v2') await writeText(join(dir, 'cpu.max'), `${quota} ${CPU_PERIOD_US}`);
    else {
      await writeText(join(dir, 'cpu.cfs_period_us'), String(CPU_PERIOD_US));
      await writeText(join(dir, 'cpu.cfs_quota_us'), String(quota));
    }
    out.push({
      limit: 'cpuCap',
      value: `${res.millicores}m`,
      mechanism: src === 'v2' ? 'cgroup v2 cpu.max' : 'cgroup v1 cpu.cfs_quota_us',
    });
  }
}

async function memory(cg: SessionCgroup, layout: CgroupLayout, res: SessionResources, out: AppliedLimit[]) {
  const src = controllerSource(layout, 'memory');
  const dir = src === 'v2' ? cg.paths.unified : cg.paths.v1.memory;
  if (!src || !dir || res.memoryBytes === undefined) return;
  const bytes = String(res.memoryBytes);
  if (src === 'v2') {
    await writeText(join(dir, 'memory.max'), bytes);
    await writeOptional(join(dir, 'memory.swap.max'), '0'); // no escape into swap
    await writeOptional(join(dir, 'memory.oom.group'), '1'); // an OOM ends the whole session, not one process
  } else {
    await writeText(join(dir, 'memory.limit_in_bytes'), bytes);
    await writeOptional(join(dir, 'memory.memsw.limit_in_bytes'), bytes);
  }
  out.push({
    limit: 'memory',
    value: bytes,
    mechanism: src === 'v2' ? 'cgroup v2 memory.max' : 'cgroup v1 memory.limit_in_bytes',
  });
}

async function pids(cg: SessionCgroup, layout: CgroupLayout, res: SessionResources, out: AppliedLimit[]) {
  const src = controllerSource(layout, 'pids');
  const dir = src === 'v2' ? cg.paths.unified : cg.paths.v1.pids;
  if (!src || !dir || res.pidsMax === undefined) return;
  await writeText(join(dir, 'pids.max'), String(res.pidsMax));
  out.push({ limit: 'pids', value: String(res.pidsMax), mechanism: `cgroup ${src} pids.max` });
}

/** Writes a session's limits into its (still empty) cgroup; returns what was applied and how. */
export async function applyLimits(
  cg: SessionCgroup,
  layout: CgroupLayout,
  res: SessionResources,
): Promise<AppliedLimit[]> {
  const out: AppliedLimit[] = [];
  await cpuset(cg, layout, res, out);
  await cpu(cg, layout, res, out);
  await memory(cg, layout, res, out);
  await pids(cg, layout, res, out);
  return out;
}
