import { mkdir, rmdir } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { errnoOf, parseFlatKeyed, readCgroupText, writeCgroupValue } from './cgroup-io.js';
import type { CgroupPlacement, CgroupRole, HostCgroupLayout } from './host-cgroup-layout.js';

/** The CFS period of plugin-host CPU caps (100 ms, the kernel default). */
export const CPU_PERIOD_US = 100_000;

/** The caps one host cgroup gets. */
export interface HostCgroupLimits {
  /** CPU share in millicores (1000 = one core) → cpu.max / cpu.cfs_quota_us. */
  cpuMillicores: number;
  /** memory.max / memory.limit_in_bytes. */
  memoryBytes: number;
  /** pids.max (counts threads: an idle host has about a dozen). */
  pidsMax: number;
}

/** Which cap is enforced and by what file, e.g. `{ cpu: 'cgroup v1 cpu.cfs_quota_us' }`. */
export type EnforcedCaps = Partial<Record<'cpu' | 'memory' | 'pids', string>>;

/** CPU time and throttling of one host cgroup. */
export interface HostCgroupUsage {
  /** CPU time used by everything in the cgroup, µs (undefined when no usage file is readable). */
  cpuUsec?: number;
  /** CFS periods in which the cap stopped the host. */
  throttledPeriods?: number;
}

/** One plugin host's cgroup in every hierarchy the layout uses. */
export interface HostCgroup {
  /** The cgroup's directory per role (the test and the operator read cpu.stat there). */
  readonly paths: Partial<Record<CgroupRole, string>>;
  /** What is enforced (after {@link HostCgroup.attach}: only what the host really joined). */
  readonly enforced: EnforcedCaps;
  /** Why a cap is not enforced for this host. */
  readonly notes: string[];
  /** Creates the directories and writes the caps; a cap that cannot be written is left out with a note. */
  create(): Promise<void>;
  /** Moves process `pid` (all its threads) in; a hierarchy it cannot join is left out with a note. */
  attach(pid: number): Promise<void>;
  usage(): Promise<HostCgroupUsage>;
  /** OOM kills inside this cgroup so far (memory.events / memory.oom_control). */
  oomKills(): Promise<number>;
  /** Removes the directories (retrying briefly: an emptied cgroup is released asynchronously). */
  remove(): Promise<void>;
}

/** Millicores → CFS quota per {@link CPU_PERIOD_US} (at least 1 ms, the kernel's minimum). */
export const millicoresToQuotaUs = (m: number): number =>
  Math.max(1000, Math.round((m * CPU_PERIOD_US) / 1000));

const CAP_ROLES = ['cpu', 'memory', 'pids'] as const;

async function writeCap(
  p: CgroupPlacement,
  dir: string,
  role: (typeof CAP_ROLES)[number],
  l: HostCgroupLimits,
) {
  const optional = (file: string, value: string) => writeCgroupValue(join(dir, file), value).catch(() => {});
  if (role === 'cpu') {
    const quota = millicoresToQuotaUs(l.cpuMillicores);
    if (p.version === 2) await writeCgroupValue(join(dir, 'cpu.max'), `${quota} ${CPU_PERIOD_US}`);
    else {
      await writeCgroupValue(join(dir, 'cpu.cfs_period_us'), String(CPU_PERIOD_US));
      await writeCgroupValue(join(dir, 'cpu.cfs_quota_us'), String(quota));
    }
    return p.version === 2 ? 'cgroup v2 cpu.max' : 'cgroup v1 cpu.cfs_quota_us';
  }
  if (role === 'memory') {
    const bytes = String(l.memoryBytes);
    if (p.version === 2) {
      await writeCgroupValue(join(dir, 'memory.max'), bytes);
      await optional('memory.swap.max', '0');
      await optional('memory.oom.group', '1');
    } else {
      await writeCgroupValue(join(dir, 'memory.limit_in_bytes'), bytes);
      await optional('memory.memsw.limit_in_bytes', bytes);
    }
    return p.version === 2 ? 'cgroup v2 memory.max' : 'cgroup v1 memory.limit_in_bytes';
  }
  await writeCgroupValue(join(dir, 'pids.max'), String(l.pidsMax));
  return `cgroup v${p.version} pids.max`;
}

/**
 * A plugin host's cgroup named `name` under each placement of `layout`. Nothing is created
 * until {@link HostCgroup.create}; with a `none` layout every call is a no-op and nothing is
 * enforced (the caller falls back to the CPU credit and RLIMIT_DATA).
 */
export function createHostCgroup(
  layout: HostCgroupLayout,
  name: string,
  limits: HostCgroupLimits,
): HostCgroup {
  let joined = layout.placements.map((p) => ({ p, dir: join(p.dir, name) }));
  const enforced: EnforcedCaps = {};
  const notes: string[] = [];
  const paths: Partial<Record<CgroupRole, string>> = {};
  for (const { p, dir } of joined) for (const r of p.roles) paths[r] = dir;

  const drop = (dir: string, why: string): void => {
    notes.push(why);
    joined = joined.filter((j) => j.dir !== dir);
    for (const r of Object.keys(paths) as CgroupRole[]) {
      if (paths[r] !== dir) continue;
      delete paths[r];
      if (r !== 'usage') delete enforced[r];
    }
  };

  return {
    paths,
    enforced,
    notes,
    async create() {
      for (const { p, dir } of [...joined]) {
        try {
          await mkdir(dir);
        } catch (err) {
          if ((err as NodeJS.ErrnoException).code !== 'EEXIST') {
            drop(dir, `cannot create ${dir} (${errnoOf(err)})`);
            continue;
          }
        }
        for (const role of CAP_ROLES) {
          if (!p.roles.includes(role)) continue;
          try {
            enforced[role] = await writeCap(p, dir, role, limits);
          } catch (err) {
            notes.push(`the ${role} cap cannot be written in ${dir} (${errnoOf(err)})`);
          }
        }
      }
    },
    async attach(pid) {
      for (const { dir } of [...joined]) {
        try {
          await writeCgroupValue(join(dir, 'cgroup.procs'), String(pid));
        } catch (err) {
          drop(dir, `the host cannot join ${dir} (${errnoOf(err)})`);
        }
      }
    },
    async usage() {
      const out: HostCgroupUsage = {};
      const u = joined.find((j) => j.p.roles.includes('usage'));
      if (u?.p.version === 2) {
        const usec = parseFlatKeyed(await readCgroupText(join(u.dir, 'cpu.stat'))).usage_usec;
        if (usec !== undefined) out.cpuUsec = usec;
      } else if (u) {
        const ns = Number((await readCgroupText(join(u.dir, 'cpuacct.usage')))?.trim());
        if (Number.isFinite(ns)) out.cpuUsec = Math.round(ns / 1000);
      }
      if (paths.cpu) {
        const t = parseFlatKeyed(await readCgroupText(join(paths.cpu, 'cpu.stat'))).nr_throttled;
        if (t !== undefined) out.throttledPeriods = t;
      }
      return out;
    },
    async oomKills() {
      const m = joined.find((j) => j.p.roles.includes('memory'));
      if (!m) return 0;
      const file = m.p.version === 2 ? 'memory.events' : 'memory.oom_control';
      return parseFlatKeyed(await readCgroupText(join(m.dir, file))).oom_kill ?? 0;
    },
    async remove() {
      for (const { dir } of joined) {
        for (let i = 0; i < 50; i++) {
          const err = await rmdir(dir).then(
            () => undefined,
            (e: NodeJS.ErrnoException) => e,
          );
          if (!err || err.code === 'ENOENT') break;
          await sleep(20);
        }
      }
    },
  };
}
