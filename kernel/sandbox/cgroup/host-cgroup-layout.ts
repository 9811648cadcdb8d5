/** What a plugin host's cgroup does for the kernel; each role is served by one hierarchy. */
export type CgroupRole = 'cpu' | 'memory' | 'pids' | 'usage';

/** How this machine's cgroups are mounted for plugin hosts (`none`: nothing writable, or disabled). */
export type CgroupMode = 'v2' | 'v1' | 'hybrid' | 'none';

/** One hierarchy the kernel uses: its kernel-owned directory and the roles it serves there. */
export interface CgroupPlacement {
  /** cgroup2 (`2`) or a v1 controller hierarchy (`1`). */
  version: 1 | 2;
  /** The kernel-owned directory in this hierarchy; host cgroups are created under it. */
  dir: string;
  roles: CgroupRole[];
}

/** Where plugin-host cgroups go on this machine and which limits they can really enforce. */
export interface HostCgroupLayout {
  mode: CgroupMode;
  placements: CgroupPlacement[];
  /** Why a limit is not enforced (missing controller, read-only mount, not root, disabled). */
  notes: string[];
}

/** The roles a layout serves (union over its placements). */
export const rolesOf = (layout: HostCgroupLayout): Set<CgroupRole> =>
  new Set(layout.placements.flatMap((p) => p.roles));

/** A layout that enforces nothing, with the reason. */
export const noCgroups = (note: string): HostCgroupLayout => ({
  mode: 'none',
  placements: [],
  notes: [note],
});
