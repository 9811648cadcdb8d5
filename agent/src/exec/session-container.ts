import type { CgroupUsage } from './cgroup/read-cgroup-usage.js';

/**
 * What holds a session's processes: its cgroup (v1, v2 or hybrid) or, without cgroups, the
 * process tree under its supervisor. The executor drives both through this one shape.
 */
export interface SessionContainer {
  /** Every pid of the session right now. */
  pids(): Promise<number[]>;
  isEmpty(): Promise<boolean>;
  /** Stops every process; resolves once the kernel says they are stopped. */
  freeze(): Promise<void>;
  thaw(): Promise<void>;
  isFrozen(): Promise<boolean>;
  /** One round of SIGKILL for everything. */
  killAll(): Promise<void>;
  /** Kills until empty; false when something survived `timeoutMs`. */
  killUntilEmpty(timeoutMs?: number): Promise<boolean>;
  usage(): Promise<CgroupUsage>;
  /** Releases what the container holds on the node (cgroup directories). */
  remove(): Promise<void>;
}
