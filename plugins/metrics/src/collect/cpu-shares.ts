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

/** Every counter of a reading: none may go backwards. */
const FIELDS = ['user', 'nice', 'system', 'idle', 'iowait', 'irq', 'softirq', 'steal'] as const;

const clamp = (x: number, dt: number): number => Math.min(1, Math.max(0, x / dt));

/**
 * Shares of the interval between two readings of cumulative CPU seconds, or null when the
 * interval is empty or a counter went backwards (CPU hot-unplugged and back). Runs per core
 * per second: no closure and no key list is made per call.
 */
export function cpuShares(prev: CpuTimes, cur: CpuTimes): CpuShares | null {
  const dt = total(cur) - total(prev);
  if (!(dt > 0)) return null;
  for (let i = 0; i < FIELDS.length; i++) {
    const k = FIELDS[i] as (typeof FIELDS)[number];
    if (cur[k] - prev[k] < 0) return null;
  }
  const idle = cur.idle - prev.idle;
  const iowait = cur.iowait - prev.iowait;
  return {
    busy: clamp(dt - idle - iowait, dt),
    user: clamp(cur.user - prev.user + (cur.nice - prev.nice), dt),
    system: clamp(cur.system - prev.system + (cur.irq - prev.irq) + (cur.softirq - prev.softirq), dt),
    iowait: clamp(iowait, dt),
    steal: clamp(cur.steal - prev.steal, dt),
  };
}
