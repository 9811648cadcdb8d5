import { mapNodeState } from './map-node-state.js';
import { epochToIso, readNumber, readString, readStringList, type SlurmRecord } from './record-fields.js';
import type { SlurmNodeInfo } from './slurm-driver.js';
import { slurmError } from './slurm-error.js';

/** Reads one node of Slurm's v0.0.38 schema (slurmrestd `GET /nodes`, `sinfo --json`). */
export function parseNodeRecord(rec: SlurmRecord): SlurmNodeInfo {
  const name = readString(rec, 'name');
  if (name === '') throw slurmError('OMEGA_ERR_SLURM_PROTOCOL', 'Slurm sent a node without a name.');
  const base = readString(rec, 'state', 'unknown');
  const flags = readStringList(rec, 'state_flags');
  const reason = readString(rec, 'reason');
  const gres = readString(rec, 'gres');
  return {
    name,
    state: mapNodeState(base, flags),
    slurmState: base,
    flags,
    reason: reason === '' ? null : reason,
    reasonSetBy: reason === '' ? null : readString(rec, 'reason_set_by_user') || null,
    reasonTime: reason === '' ? null : epochToIso(readNumber(rec, 'reason_changed_at')),
    cpus: readNumber(rec, 'cpus') ?? 0,
    allocatedCpus: readNumber(rec, 'alloc_cpus') ?? 0,
    memoryMiB: readNumber(rec, 'real_memory') ?? 0,
    allocatedMemoryMiB: readNumber(rec, 'alloc_memory') ?? 0,
    gres: gres === '(null)' ? '' : gres,
    gpus: countGpus(gres),
    partitions: readStringList(rec, 'partitions'),
    address: readString(rec, 'address') || null,
  };
}

/** GPUs in a gres string such as `gpu:2`, `gpu:a100:4(S:0-1),shard:8`, `gpu:tesla:2,gpu:k80:1`. */
export function countGpus(gres: string): number {
  let total = 0;
  for (const item of gres.split(',')) {
    const parts = item.replace(/\(.*\)$/, '').split(':');
    if (parts[0] !== 'gpu') continue;
    const n = Number(parts[parts.length - 1]);
    total += parts.length >= 2 && Number.isInteger(n) && n >= 0 ? n : 1;
  }
  return total;
}
