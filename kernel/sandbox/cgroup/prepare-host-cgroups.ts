import { mkdir, readdir, rmdir } from 'node:fs/promises';
import { join } from 'node:path';
import { parseCgroupMounts, parseOwnCgroups } from '@omega/hostinfo';
import { errnoOf, readCgroupText, writeCgroupValue } from './cgroup-io.js';
import {
  type CgroupMode,
  type CgroupPlacement,
  type CgroupRole,
  type HostCgroupLayout,
  noCgroups,
} from './host-cgroup-layout.js';

/** Options of {@link prepareHostCgroups}. */
export interface HostCgroupOptions {
  /** `auto` (default) uses what the machine offers; `none` enforces nothing by cgroup (the CPU credit then does). */
  mode?: 'auto' | 'none';
  /** Prefix for /proc and /sys (tests point it at a recorded tree); default none. */
  fsRoot?: string;
  /** Prefix of the directory each sandbox owns in each hierarchy, under the kernel's own cgroup (default `omega-plugins`). */
  parent?: string;
}

const V2_CONTROLLERS = ['cpu', 'memory', 'pids'] as const;
let sequence = 0;

const pidAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
};

/** Removes the empty subtrees of kernels that are gone (a kill -9 leaves its `<prefix>-k<pid>-<n>` behind). */
async function sweepStale(base: string, prefix: string): Promise<void> {
  for (const name of await readdir(base).catch(() => [] as string[])) {
    if (!name.startsWith(`${prefix}-k`)) continue;
    const pid = Number(/-k(\d+)-\d+$/.exec(name)?.[1]);
    if (!pid || pidAlive(pid)) continue;
    const dir = join(base, name);
    for (const child of await readdir(dir, { withFileTypes: true }).catch(() => []))
      if (child.isDirectory()) await rmdir(join(dir, child.name)).catch(() => {});
    await rmdir(dir).catch(() => {});
  }
}

/** Enables `controllers` top-down from the kernel's own cgroup to `dir` (cgroup2 needs each level). */
async function delegate(ownDir: string, dir: string, controllers: string[]): Promise<void> {
  const wanted = controllers.map((c) => `+${c}`).join(' ');
  const levels = [ownDir];
  for (const part of dir.slice(ownDir.length).split('/').filter(Boolean))
    levels.push(join(levels.at(-1)!, part));
  for (const level of levels) {
    const enabled = ((await readCgroupText(join(level, 'cgroup.subtree_control'))) ?? '').split(/\s+/);
    if (controllers.every((c) => enabled.includes(c))) continue;
    await writeCgroupValue(join(level, 'cgroup.subtree_control'), wanted);
  }
}

function modeOf(placements: CgroupPlacement[]): CgroupMode {
  const v1 = placements.some((p) => p.version === 1);
  const v2 = placements.some((p) => p.version === 2);
  if (v1 && v2) return 'hybrid';
  if (v1) return 'v1';
  return v2 ? 'v2' : 'none';
}

/**
 * Finds the cgroup hierarchies (pure v2, v1, or both) and creates this sandbox's kernel-owned
 * directory in each: `<mount><kernel's own cgroup>/<parent>-k<pid>-<n>`, cgroup2 controllers
 * delegated down to it. One level, not a shared `<parent>/` above it: under CPU group
 * scheduling every level competes as one task, so the sandbox sets its directory's weight
 * to its number of hosts ({@link setSandboxCpuWeight}) and each host weighs what a process does. Each role (cpu cap, memory cap, pids cap, CPU usage) comes from the
 * cgroup2 hierarchy when it has the controller, else from its v1 hierarchy. Whatever cannot be
 * created is left out with a note, so the layout says only what really works. Subtrees of
 * kernels that died are swept on the way.
 */
export async function prepareHostCgroups(opts: HostCgroupOptions = {}): Promise<HostCgroupLayout> {
  if (opts.mode === 'none') return noCgroups('cgroups disabled by configuration');
  const root = opts.fsRoot ?? '';
  const parent = opts.parent ?? 'omega-plugins';
  const leaf = `${parent}-k${process.pid}-${++sequence}`;
  const mounts = parseCgroupMounts((await readCgroupText(join(root, '/proc/self/mounts'))) ?? '');
  const own = parseOwnCgroups((await readCgroupText(join(root, '/proc/self/cgroup'))) ?? '');
  const notes: string[] = [];
  const placements: CgroupPlacement[] = [];
  const served = new Set<CgroupRole>();

  const create = async (mountPoint: string, ownPath: string): Promise<string | undefined> => {
    const base = join(root, mountPoint, ownPath);
    try {
      await sweepStale(base, parent);
      await mkdir(join(base, leaf));
      return join(base, leaf);
    } catch (err) {
      notes.push(`${join(root, mountPoint)} is not writable (${errnoOf(err)})`);
      return undefined;
    }
  };

  const unified = mounts.find((m) => m.type === 'cgroup2');
  if (unified) {
    const ownPath = own.get('') ?? '/';
    const ownDir = join(root, unified.point, ownPath);
    const available = ((await readCgroupText(join(ownDir, 'cgroup.controllers'))) ?? '').split(/\s+/);
    const dir = await create(unified.point, ownPath);
    if (dir) {
      const controllers = V2_CONTROLLERS.filter((c) => available.includes(c));
      const roles: CgroupRole[] = ['usage'];
      try {
        if (controllers.length > 0) await delegate(ownDir, dir, controllers);
        roles.push(...controllers);
      } catch (err) {
        notes.push(
          `cgroup2 controllers ${controllers.join(', ')} cannot be delegated under ${ownDir} (${errnoOf(err)}); run the kernel in a delegated cgroup (e.g. systemd Delegate=yes)`,
        );
      }
      placements.push({ version: 2, dir, roles });
      for (const r of roles) served.add(r);
    }
  }

  const v1Wanted: Array<[string, CgroupRole]> = [
    ['cpu', 'cpu'],
    ['memory', 'memory'],
    ['pids', 'pids'],
    ['cpuacct', 'usage'],
  ];
  for (const [controller, role] of v1Wanted) {
    if (served.has(role)) continue;
    const m = mounts.find((x) => x.type === 'cgroup' && x.options.includes(controller));
    if (!m) continue;
    const known = placements.find((p) => p.version === 1 && p.dir.startsWith(join(root, m.point, '/')));
    if (known) {
      known.roles.push(role);
      served.add(role);
      continue;
    }
    const dir = await create(m.point, own.get(controller) ?? '/');
    if (!dir) continue;
    placements.push({ version: 1, dir, roles: [role] });
    served.add(role);
  }

  for (const role of ['cpu', 'memory', 'pids'] as const)
    if (!served.has(role))
      notes.push(`no writable cgroup ${role} controller: the ${role} cap is not enforced by the OS`);
  const mode = modeOf(placements);
  if (mode === 'none' && notes.length === 0) notes.push('no cgroup hierarchy is mounted');
  return { mode, placements, notes };
}

/** Removes the directories {@link prepareHostCgroups} created (once every host cgroup in them is gone). */
export async function removeHostCgroups(layout: HostCgroupLayout): Promise<void> {
  await Promise.all(layout.placements.map((p) => rmdir(p.dir).catch(() => {})));
}

/**
 * Gives the sandbox's CPU directory the weight of `hosts` processes (v1 `cpu.shares` 1024 each,
 * v2 `cpu.weight` 100 each), so its hosts together compete like that many processes would.
 */
export async function setSandboxCpuWeight(layout: HostCgroupLayout, hosts: number): Promise<void> {
  const p = layout.placements.find((x) => x.roles.includes('cpu'));
  if (!p) return;
  const n = Math.max(1, hosts);
  const [file, value] =
    p.version === 2 ? ['cpu.weight', Math.min(10_000, 100 * n)] : ['cpu.shares', Math.min(262_144, 1024 * n)];
  await writeCgroupValue(join(p.dir, file), String(value)).catch(() => {});
}
