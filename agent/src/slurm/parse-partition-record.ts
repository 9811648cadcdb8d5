import { expandHostlist } from './expand-hostlist.js';
import { readNumber, readString, readStringList, type SlurmRecord } from './record-fields.js';
import type { SlurmPartitionInfo } from './slurm-driver.js';
import { slurmError } from './slurm-error.js';

/** Slurm's INFINITE (uint32 all ones) as it appears in limits. */
const INFINITE = 0xffffffff;

/** Reads one partition of slurmrestd's v0.0.38 `GET /partitions`. */
export function parsePartitionRecord(rec: SlurmRecord): SlurmPartitionInfo {
  const name = readString(rec, 'name');
  if (name === '') throw slurmError('OMEGA_ERR_SLURM_PROTOCOL', 'Slurm sent a partition without a name.');
  const maxTime = readNumber(rec, 'max_time_limit');
  const nodes = readString(rec, 'nodes');
  return {
    name,
    state: readString(rec, 'state', 'UNKNOWN').toLowerCase(),
    nodes: nodes === '' ? [] : expandHostlist(nodes),
    totalCpus: readNumber(rec, 'total_cpus') ?? 0,
    totalNodes: readNumber(rec, 'total_nodes') ?? 0,
    maxTimeMinutes: maxTime === null || maxTime < 0 || maxTime >= INFINITE ? null : maxTime,
    isDefault: readStringList(rec, 'flags').some((f) => f.toLowerCase() === 'default'),
  };
}

/**
 * Reads `scontrol show partition --oneliner` (the CLI has no JSON for partitions in 22.05):
 * one partition per line of `Key=Value` words.
 */
export function parseScontrolPartitions(text: string): SlurmPartitionInfo[] {
  const out: SlurmPartitionInfo[] = [];
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    const kv = new Map<string, string>();
    for (const word of line.trim().split(/\s+/)) {
      const eq = word.indexOf('=');
      if (eq > 0) kv.set(word.slice(0, eq), word.slice(eq + 1));
    }
    const name = kv.get('PartitionName');
    if (!name)
      throw slurmError('OMEGA_ERR_SLURM_PROTOCOL', 'scontrol printed a partition without PartitionName.');
    const nodes = kv.get('Nodes') ?? '';
    out.push({
      name,
      state: (kv.get('State') ?? 'UNKNOWN').toLowerCase(),
      nodes: nodes === '' || nodes === '(null)' ? [] : expandHostlist(nodes),
      totalCpus: Number(kv.get('TotalCPUs') ?? 0) || 0,
      totalNodes: Number(kv.get('TotalNodes') ?? 0) || 0,
      maxTimeMinutes: parseSlurmDuration(kv.get('MaxTime') ?? 'UNLIMITED'),
      isDefault: kv.get('Default') === 'YES',
    });
  }
  return out;
}

/**
 * `UNLIMITED` → null; Slurm's duration forms (`m`, `m:s`, `h:m:s`, `d-h`, `d-h:m`, `d-h:m:s`)
 * → whole minutes, rounded up.
 */
export function parseSlurmDuration(text: string): number | null {
  if (text === 'UNLIMITED' || text === 'INFINITE' || text === 'NONE') return null;
  const m = /^(?:(\d+)-)?(\d+)(?::(\d+))?(?::(\d+))?$/.exec(text);
  if (!m)
    throw slurmError(
      'OMEGA_ERR_SLURM_PROTOCOL',
      `Slurm printed an unreadable duration "${text.slice(0, 40)}".`,
    );
  const days = m[1];
  const [a, b, c] = [
    Number(m[2]),
    m[3] === undefined ? undefined : Number(m[3]),
    m[4] === undefined ? undefined : Number(m[4]),
  ];
  let seconds: number;
  if (days !== undefined) seconds = Number(days) * 86400 + a * 3600 + (b ?? 0) * 60 + (c ?? 0);
  else if (c !== undefined) seconds = a * 3600 + (b ?? 0) * 60 + c;
  else if (b !== undefined) seconds = a * 60 + b;
  else seconds = a * 60;
  return Math.ceil(seconds / 60);
}
