import { readdirSync, readFileSync } from 'node:fs';

/** The environment variable every daemon of a test cluster carries, with the cluster's id. */
export const CLUSTER_MARKER = 'OMEGA_SLURM_CLUSTER';

/**
 * Pids of the processes whose environment carries `OMEGA_SLURM_CLUSTER=<id>`: the cluster's
 * daemons and whatever they started that kept their environment (slurmstepd, slurmscriptd).
 * Needs root to read other users' environments.
 */
export function markedProcesses(id: string): number[] {
  const needle = Buffer.from(`\0${CLUSTER_MARKER}=${id}\0`);
  const atStart = Buffer.from(`${CLUSTER_MARKER}=${id}\0`);
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    let env: Buffer;
    try {
      env = readFileSync(`/proc/${entry}/environ`);
    } catch {
      continue;
    }
    if (env.subarray(0, atStart.length).equals(atStart) || env.includes(needle)) pids.push(Number(entry));
  }
  return pids;
}

/** True while `pid` exists (and is not a zombie). */
export function isAlive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}
