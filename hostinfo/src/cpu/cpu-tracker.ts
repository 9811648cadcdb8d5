import type { CoreUsage, CpuStats, CpuTimes, CpuUsage, LoadAverage } from '../types.js';
import type { CpuTimesSample } from './parse-proc-stat.js';

/**
 * Each state's share of the time between `prev` and `next` (of all time when `prev` is
 * undefined). Undefined when no time passed. A counter that went backwards (iowait may, per
 * the kernel's proc(5)) counts as 0.
 */
export function cpuFractions(prev: CpuTimes | undefined, next: CpuTimes): CpuTimes | undefined {
  // Each state by name (not a loop over the names with computed keys): this runs once a second
  // per CPU, mostly as unoptimised code, where every keyed access is a generic lookup.
  const user = Math.max(0, next.user - (prev?.user ?? 0));
  const nice = Math.max(0, next.nice - (prev?.nice ?? 0));
  const system = Math.max(0, next.system - (prev?.system ?? 0));
  const idle = Math.max(0, next.idle - (prev?.idle ?? 0));
  const iowait = Math.max(0, next.iowait - (prev?.iowait ?? 0));
  const irq = Math.max(0, next.irq - (prev?.irq ?? 0));
  const softirq = Math.max(0, next.softirq - (prev?.softirq ?? 0));
  const steal = Math.max(0, next.steal - (prev?.steal ?? 0));
  // Summed in the same order as ever, so the fractions are the same to the last bit.
  const sum = 0 + user + nice + system + idle + iowait + irq + softirq + steal;
  if (sum <= 0) return undefined;
  return {
    user: user / sum,
    nice: nice / sum,
    system: system / sum,
    idle: idle / sum,
    iowait: iowait / sum,
    irq: irq / sum,
    softirq: softirq / sum,
    steal: steal / sum,
  };
}

/** Turns successive cumulative samples into {@link CpuStats}, remembering the previous one per CPU. */
export interface CpuTracker {
  next(sample: CpuTimesSample, load: LoadAverage | undefined, at: number): CpuStats;
}

/** Creates a {@link CpuTracker}; its first result covers the time since boot. */
export function createCpuTracker(): CpuTracker {
  const prev = new Map<number | 'total', { times: CpuTimes; fractions: CpuTimes }>();
  let prevAt: number | undefined;

  /** This read's fractions of `key`'s times (remembered for the next read). */
  const fractionsOf = (key: number | 'total', times: CpuTimes): CpuTimes => {
    const before = prev.get(key);
    // No tick elapsed since the previous read: repeat its fractions rather than invent new ones.
    const fractions =
      cpuFractions(before?.times, times) ?? before?.fractions ?? cpuFractions(undefined, times);
    const f = fractions ?? { ...times };
    prev.set(key, { times, fractions: f });
    return f;
  };
  const busyOf = (f: CpuTimes): number => Math.min(1, Math.max(0, 1 - f.idle - f.iowait));
  const usage = (key: number | 'total', times: CpuTimes): CpuUsage => {
    const f = fractionsOf(key, times);
    return { fractions: f, seconds: times, busy: busyOf(f) };
  };
  // A core's usage built whole (no spread of a CpuUsage into a second object).
  const coreUsage = (cpu: number, times: CpuTimes): CoreUsage => {
    const f = fractionsOf(cpu, times);
    return { cpu, fractions: f, seconds: times, busy: busyOf(f) };
  };

  return {
    next(sample, load, at) {
      const total = usage('total', sample.total);
      const cores: CoreUsage[] = sample.cores.map((c) => coreUsage(c.cpu, c.times));
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
