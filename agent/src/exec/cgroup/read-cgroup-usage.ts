import { join } from 'node:path';
import type { UsageCounters } from '../session-types.js';
import { parseKeyValues, readNumber, readText } from './cgroup-files.js';
import type { SessionCgroupPaths } from './cgroup-layout.js';

/** USER_HZ: the unit of cpuacct.stat (100 on every Linux architecture Omega runs on). */
const USER_HZ = 100;

/** Counters read from a session's cgroup, with the kernel's OOM-kill count. */
export interface CgroupUsage extends UsageCounters {
  oomKills: number;
}

/** Which hierarchy answers which counter (decided once from the layout). */
export interface UsageSources {
  cpu: 'v2' | 'v1' | null;
  throttle: 'v2' | 'v1' | null;
  memory: 'v2' | 'v1' | null;
  pids: 'v2' | 'v1' | null;
}

async function cpu(paths: SessionCgroupPaths, src: UsageSources['cpu']) {
  if (src === 'v2' && paths.unified) {
    const s = parseKeyValues(await readText(join(paths.unified, 'cpu.stat')));
    return {
      user: (s.user_usec ?? 0) / 1e6,
      system: (s.system_usec ?? 0) / 1e6,
      total: (s.usage_usec ?? 0) / 1e6,
    };
  }
  if (src === 'v1' && paths.v1.cpuacct) {
    const s = parseKeyValues(await readText(join(paths.v1.cpuacct, 'cpuacct.stat')));
    const total = await readNumber(join(paths.v1.cpuacct, 'cpuacct.usage'));
    const user = (s.user ?? 0) / USER_HZ;
    const system = (s.system ?? 0) / USER_HZ;
    return { user, system, total: total === null ? user + system : total / 1e9 };
  }
  return { user: 0, system: 0, total: 0 };
}

async function throttle(paths: SessionCgroupPaths, src: UsageSources['throttle']) {
  if (src === 'v2' && paths.unified) {
    const s = parseKeyValues(await readText(join(paths.unified, 'cpu.stat')));
    return { sec: (s.throttled_usec ?? 0) / 1e6, periods: s.nr_throttled ?? 0 };
  }
  if (src === 'v1' && paths.v1.cpu) {
    const s = parseKeyValues(await readText(join(paths.v1.cpu, 'cpu.stat')));
    return { sec: (s.throttled_time ?? 0) / 1e9, periods: s.nr_throttled ?? 0 };
  }
  return { sec: null, periods: null };
}

async function memory(paths: SessionCgroupPaths, src: UsageSources['memory']) {
  if (src === 'v2' && paths.unified) {
    const d = paths.unified;
    const events = parseKeyValues(await readText(join(d, 'memory.events')));
    return {
      current: await readNumber(join(d, 'memory.current')),
      peak: await readNumber(join(d, 'memory.peak')),
      oom: Math.max(events.oom_kill ?? 0, events.oom_group_kill ?? 0),
    };
  }
  if (src === 'v1' && paths.v1.memory) {
    const d = paths.v1.memory;
    const oom = parseKeyValues(await readText(join(d, 'memory.oom_control')));
    return {
      current: await readNumber(join(d, 'memory.usage_in_bytes')),
      peak: await readNumber(join(d, 'memory.max_usage_in_bytes')),
      oom: oom.oom_kill ?? 0,
    };
  }
  return { current: null, peak: null, oom: 0 };
}

/** Reads a session's counters (call it before removing the cgroup: the final figures die with it). */
export async function readCgroupUsage(
  paths: SessionCgroupPaths,
  sources: UsageSources,
): Promise<CgroupUsage> {
  const [c, t, m] = await Promise.all([
    cpu(paths, sources.cpu),
    throttle(paths, sources.throttle),
    memory(paths, sources.memory),
  ]);
  const pidsDir = sources.pids === 'v2' ? paths.unified : sources.pids === 'v1' ? paths.v1.pids : undefined;
  return {
    cpuUserSec: c.user,
    cpuSystemSec: c.system,
    cpuTotalSec: c.total,
    throttledSec: t.sec,
    throttledPeriods: t.periods,
    memoryCurrentBytes: m.current,
    memoryPeakBytes: m.peak,
    pidsCurrent: pidsDir ? await readNumber(join(pidsDir, 'pids.current')) : null,
    oomKills: m.oom,
  };
}
