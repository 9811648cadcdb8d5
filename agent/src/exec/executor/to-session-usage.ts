import type { CgroupUsage } from '../cgroup/read-cgroup-usage.js';
import type { SessionUsage } from '../session-types.js';

/** A container's counters as a timestamped usage sample. */
export function toSessionUsage(u: CgroupUsage, source: SessionUsage['source']): SessionUsage {
  return {
    at: new Date().toISOString(),
    cpuUserSec: u.cpuUserSec,
    cpuSystemSec: u.cpuSystemSec,
    cpuTotalSec: u.cpuTotalSec,
    throttledSec: u.throttledSec,
    throttledPeriods: u.throttledPeriods,
    memoryCurrentBytes: u.memoryCurrentBytes,
    memoryPeakBytes: u.memoryPeakBytes,
    pidsCurrent: u.pidsCurrent,
    source,
  };
}
