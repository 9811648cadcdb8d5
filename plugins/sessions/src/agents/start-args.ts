import type { StartOpArgs } from '../agent-ops.js';
import type { SessionRecord } from '../store/session-record.js';

/**
 * The `session.start` args for a placed session: its program and environment (GPUs it was
 * given are named in `CUDA_VISIBLE_DEVICES`, `OMEGA_GPUS`), the placement's pinned CPUs or CPU
 * cap, memory, pids and disk limits, and the time limit; for Slurm the whole cores and partition.
 */
export function startArgs(r: SessionRecord): StartOpArgs {
  const s = r.spec;
  const p = r.status.placement;
  const slurm = s.target.kind === 'slurm';
  const env = { ...s.env };
  if (!slurm && p && p.gpus.length > 0) {
    env.CUDA_VISIBLE_DEVICES = p.gpus.join(',');
    env.OMEGA_GPUS = p.gpus.join(',');
  }
  const res: StartOpArgs['resources'] = { memoryBytes: s.resources.memoryBytes, gpus: s.resources.gpus };
  if (slurm) res.cores = s.resources.cores ?? Math.ceil((s.resources.millicores ?? 1000) / 1000);
  else if (p?.cpus) {
    res.cpus = p.cpus;
    if (p.mems) res.mems = p.mems;
  } else res.millicores = s.resources.millicores ?? 1000;
  if (!slurm && p && p.gpus.length > 0) res.gpuIndexes = p.gpus;
  if (s.resources.pidsMax !== undefined) res.pidsMax = s.resources.pidsMax;
  if (s.resources.diskBytes !== undefined) res.diskBytes = s.resources.diskBytes;
  return {
    id: r.id,
    engine: slurm ? 'slurm' : 'exec',
    name: s.name,
    ...(s.command !== undefined ? { command: s.command } : {}),
    args: s.args,
    ...(s.script !== undefined ? { script: s.script } : {}),
    env,
    ...(s.cwd !== undefined ? { cwd: s.cwd } : {}),
    resources: res,
    ...(s.timeLimitSec !== undefined ? { timeLimitSec: s.timeLimitSec } : {}),
    enforcement: s.enforcement,
    ...(s.target.kind === 'slurm' && s.target.partition ? { partition: s.target.partition } : {}),
  };
}
