import type { CgroupUsage } from '../cgroup/read-cgroup-usage.js';
import type { SessionUsage } from '../session-types.js';

/** A container's counters as a timestamped usage sample. */
export function toSessionUsage(u: CgroupUsage, source: SessionUsage['source']): SessionUsage {
  const { oomKills: _, ...counters } = u;
  return { at: new Date().toISOString(), ...counters, source };
}
