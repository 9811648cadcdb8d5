import type { CoreUsage, CpuStats, CpuTimes, CpuUsage, LoadAverage } from '../types.js';
import type { CpuTimesSample } from './parse-proc-stat.js';

const STATES = ['user', 'nice', 'system', 'idle', 'iowait', 'irq', 'softirq', 'steal'] as const;

/**
 * Each state's share of the time between `prev` and `next` (of all time when `prev` is
 * undefined). Undefined when no time passed. A counter that went backwards (iowait may, per
 * the kernel's proc(5)) counts as 0.
 */
export function cpuFractions(prev: CpuTimes | undefined, next: CpuTimes): CpuTimes | undefined {
  const delta = {} as CpuTimes;
  let sum = 0;
  for (const s of STATES) {
    delta[s] = Math.max(0, next[s] - (prev?.[s] ?? 0));
    sum += delta[s];
  }
  if (sum <= 0) return undefined;
  for (const s of STATES) delta[s] /= sum;
  return delta;
}

/** Turns successive cumulative samples into {@link CpuStats}, remembering the previous one per CPU. */
export interface CpuTracker {
  next(sample: CpuTimesSample, load: LoadAverage | undefined, at: number): CpuStats;
}

/** Creates a {@link CpuTracker}; its first result covers the time since boot. */
export function createCpuTracker(): CpuTracker {
  const prev = new Map<number | 'total', { times: CpuTimes; fractions: CpuTimes }>();
  let prevAt: number | undefined;

  const usage = (key: number | 'total', times: CpuTimes): CpuUsage => {
    const before = prev.get(key);
    // No tick elapsed since the previous read: repeat its fractions rather than invent new ones.
    const fractions =
      cpuFractions(before?.times, times) ?? before?.fractions ?? cpuFractions(undefined, times);
    const f = fractions ?? { ...times };
    prev.set(key, { times, fractions: f });
    return { fractions: f, seconds: times, busy: Math.min(1, Math.max(0, 1 - f.idle - f.iowait)) };
  };

  return {
    next(sample, load, at) {
      const total = usage('total', sample.total);
      const cores: CoreUsage[] = sample.cores.map((c) => ({ cpu: c.cpu, ...usage(c.cpu, c.times) }));
      const stats: CpuStats = {
        at,
        intervalSeconds: prevAt === undefined ? null : (at - prevAt) / 1000,
        total,
        cores,
      };
      if (load) stats.load = load;
      prevAt = at;
      return stats;
    },
  };
}
