import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseCgroupMounts, parseOwnCgroups } from '@omega/hostinfo';
import {
  type CgroupLayout,
  type CgroupMode,
  type CgroupOptions,
  V1_CONTROLLERS,
  type V1Controller,
  type V1Hierarchy,
  V2_CONTROLLERS,
  type V2Controller,
} from './cgroup-layout.js';

async function readOr(path: string, fallback: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch {
    return fallback;
  }
}

/**
 * Finds the cgroup hierarchies from /proc/self/mounts and /proc/self/cgroup (read-only: nothing
 * is created here; {@link prepareCgroupBase} does that and downgrades to `none` when it cannot).
 */
export async function detectCgroupLayout(options: CgroupOptions = {}): Promise<CgroupLayout> {
  const root = options.fsRoot ?? '';
  const parent = options.parent ?? 'omega';
  const nest = options.nest ?? true;
  const want = options.mode ?? 'auto';
  const notes: string[] = [];
  if (want === 'none')
    return { mode: 'none', unified: null, v1: {}, notes: ['cgroups disabled by configuration (mode none)'] };
  const mounts = parseCgroupMounts(await readOr(join(root, '/proc/self/mounts'), ''));
  const own = parseOwnCgroups(await readOr(join(root, '/proc/self/cgroup'), ''));
  const baseOf = (mount: string, ownPath: string): string => join(root, mount, nest ? ownPath : '/', parent);

  const v1: Partial<Record<V1Controller, V1Hierarchy>> = {};
  if (want !== 'v2') {
    for (const m of mounts.filter((x) => x.type === 'cgroup')) {
      for (const c of V1_CONTROLLERS) {
        if (!m.options.includes(c) || v1[c]) continue;
        const ownPath = own.get(c) ?? '/';
        v1[c] = { mount: join(root, m.point), own: ownPath, base: baseOf(m.point, ownPath) };
      }
    }
  }
  const u = want === 'v1' ? undefined : mounts.find((x) => x.type === 'cgroup2');
  let unified: CgroupLayout['unified'] = null;
  if (u) {
    const ownPath = own.get('') ?? '/';
    const available = (await readOr(join(root, u.point, nest ? ownPath : '/', 'cgroup.controllers'), ''))
      .trim()
      .split(/\s+/);
    const controllers = V2_CONTROLLERS.filter((c: V2Controller) => available.includes(c));
    unified = { mount: join(root, u.point), own: ownPath, base: baseOf(u.point, ownPath), controllers };
  }
  const hasV1 = Object.keys(v1).length > 0;
  let mode: CgroupMode;
  if (hasV1 && unified) mode = 'hybrid';
  else if (hasV1) mode = 'v1';
  else if (unified) mode = 'v2';
  else mode = 'none';
  if (want !== 'auto' && want !== mode) {
    notes.push(`configured mode ${want} is not available here (found ${mode}); using none`);
    return { mode: 'none', unified: null, v1: {}, notes };
  }
  if (mode === 'none') notes.push('no cgroup hierarchy is mounted');
  for (const c of V1_CONTROLLERS)
    if (hasV1 && !v1[c] && !unified?.controllers.includes(c as V2Controller))
      notes.push(`controller ${c} is not mounted`);
  return { mode, unified, v1, notes };
}
