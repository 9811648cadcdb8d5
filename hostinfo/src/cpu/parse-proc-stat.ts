import { hostinfoError } from '../errors/index.js';
import type { CpuTimes } from '../types.js';

/** Clock ticks per second of /proc/stat (USER_HZ; 100 on every Linux ABI, as node_exporter assumes). */
export const USER_HZ = 100;

/** Cumulative CPU seconds per state, for all CPUs and per logical CPU. */
export interface CpuTimesSample {
  total: CpuTimes;
  cores: Array<{ cpu: number; times: CpuTimes }>;
}

const STATES = ['user', 'nice', 'system', 'idle', 'iowait', 'irq', 'softirq', 'steal'] as const;

function toTimes(fields: string[]): CpuTimes {
  const times = {} as CpuTimes;
  STATES.forEach((state, i) => {
    // Fields missing on very old kernels (steal < 2.6.11) count as 0 ticks.
    times[state] = Number(fields[i] ?? 0) / USER_HZ;
  });
  return times;
}

/** Parses the `cpu` and `cpuN` lines of /proc/stat into seconds per state. */
export function parseProcStat(text: string): CpuTimesSample {
  let total: CpuTimes | undefined;
  const cores: CpuTimesSample['cores'] = [];
  for (const line of text.split('\n')) {
    if (!line.startsWith('cpu')) continue;
    const [name = '', ...fields] = line.split(/\s+/);
    if (fields.length < 4)
      throw hostinfoError('HOSTINFO_ERR_PARSE', `Short cpu line in /proc/stat: "${line}".`, '/proc/stat');
    if (name === 'cpu') total = toTimes(fields);
    else cores.push({ cpu: Number(name.slice(3)), times: toTimes(fields) });
  }
  if (!total) throw hostinfoError('HOSTINFO_ERR_PARSE', 'No "cpu" line in /proc/stat.', '/proc/stat');
  return { total, cores };
}
