import { readdirSync, readFileSync, rmdirSync } from 'node:fs';
import { join } from 'node:path';

/** Every mounted cgroup hierarchy (v1 controllers and v2), from /proc/mounts. */
function cgroupMounts(): string[] {
  return readFileSync('/proc/mounts', 'utf8')
    .split('\n')
    .map((line) => line.split(' '))
    .filter((f) => f[2] === 'cgroup' || f[2] === 'cgroup2')
    .map((f) => f[1] as string);
}

/** Removes `dir` and the cgroups under it, deepest first; a cgroup still holding a process stays. */
function removeTree(dir: string): void {
  let entries: string[];
  try {
    entries = readdirSync(dir, { withFileTypes: true })
      .filter((e) => e.isDirectory())
      .map((e) => e.name);
  } catch {
    return; // not there in this hierarchy
  }
  for (const child of entries) removeTree(join(dir, child));
  try {
    rmdirSync(dir);
  } catch {
    // busy (a process is still in it) or already gone
  }
}

/**
 * Removes the cgroup `name` (a test's sessions parent, relative to each hierarchy's root) from
 * every mounted hierarchy, so a test that started an agent with its own parent leaves no empty
 * cgroup directories behind (an agent killed mid-run does not remove its own).
 */
export function removeCgroupTrees(name: string): void {
  for (const mount of cgroupMounts()) removeTree(join(mount, name));
}
