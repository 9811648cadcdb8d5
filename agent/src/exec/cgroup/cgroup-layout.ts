/** How this node's cgroups are mounted: pure v2, pure v1, both (hybrid), or none usable. */
export type CgroupMode = 'v2' | 'v1' | 'hybrid' | 'none';

/** The v1 hierarchies the executor uses. */
export const V1_CONTROLLERS = ['cpu', 'cpuacct', 'cpuset', 'memory', 'pids', 'freezer'] as const;
/** A v1 controller the executor uses. */
export type V1Controller = (typeof V1_CONTROLLERS)[number];

/** The v2 controllers the executor enables for sessions. */
export const V2_CONTROLLERS = ['cpu', 'cpuset', 'memory', 'pids'] as const;
/** A v2 controller the executor uses. */
export type V2Controller = (typeof V2_CONTROLLERS)[number];

/** One v1 hierarchy: its mount, the agent's own cgroup in it, and the directory sessions go under. */
export interface V1Hierarchy {
  mount: string;
  own: string;
  base: string;
}

/** The cgroup2 hierarchy and the controllers it can give sessions (none on a hybrid host's core-only one). */
export interface UnifiedHierarchy {
  mount: string;
  own: string;
  base: string;
  controllers: V2Controller[];
  /** Whether cgroup.kill exists (Linux 5.14+): one write kills the whole tree. */
  hasKill?: boolean;
}

/** What the driver found and will use. */
export interface CgroupLayout {
  mode: CgroupMode;
  unified: UnifiedHierarchy | null;
  v1: Partial<Record<V1Controller, V1Hierarchy>>;
  /** Why the layout is what it is (missing controllers, read-only mounts, forced mode). */
  notes: string[];
}

/** Where the session cgroups of a node live and how they are named. */
export interface CgroupOptions {
  /** `auto` (default) detects; a forced mode uses only that kind of hierarchy (`none`: no cgroups at all). */
  mode?: 'auto' | CgroupMode;
  /** Prefix for /proc and /sys (tests point it at a recorded tree); default none. */
  fsRoot?: string;
  /** Directory name the executor owns in each hierarchy (default `omega`). */
  parent?: string;
  /** Put it under the agent's own cgroup (default, delegation-friendly) or at each hierarchy's root. */
  nest?: boolean;
}

/** The session cgroup's directory in each hierarchy it joined; stored in the session record for adoption. */
export interface SessionCgroupPaths {
  unified: string | null;
  v1: Partial<Record<V1Controller, string>>;
}
