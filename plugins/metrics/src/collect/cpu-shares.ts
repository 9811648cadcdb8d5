import type { CpuTimes } from './host-data.js';

/** CPU shares over an interval, each in [0, 1]. */
export interface CpuShares {
  busy: number;
  user: number;
  system: number;
  iowait: number;
  steal: number;
}

const total = (t: CpuTimes): number =>
  t.user + t.nice + t.system + t.idle + t.iowait + t.irq + t.softirq + t.steal;

/**
 * Shares of the interval between two readings of cumulative CPU seconds, or null when the
 * interval is empty or a counter went backwards (CPU hot-unplugged and back).
 */
export function cpuShares(prev: CpuTimes, cur: CpuTimes): CpuShares | null {
  const dt = total(cur) - total(prev);
  if (!(dt > 0)) return null;
  const d = (k: keyof CpuTimes) => cur[k] - prev[k];
  for (const key of Object.keys(cur) as (keyof CpuTimes)[]) if (d(key) < 0) return null;
  const clamp = (x: number) => Math.min(1, Math.max(0, x / dt));
  return {
    busy: clamp(dt - d('idle') - d('iowait')),
    user: clamp(d('user') + d('nice')),
    system: clamp(d('system') + d('irq') + d('softirq')),
    iowait: clamp(d('iowait')),
    steal: clamp(d('steal')),
  };
}
