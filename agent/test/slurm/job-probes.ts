import { readFileSync } from 'node:fs';
import type { SlurmDriver, SlurmJobStatus, SlurmNodeInfo } from '../../src/slurm/index.js';
import type { SlurmCluster } from './slurm-cluster.js';

/** Polls the driver until the job's status satisfies `done` (bounded; the last status is in the error). */
export async function waitForJob(
  driver: SlurmDriver,
  jobId: string,
  done: (s: SlurmJobStatus) => boolean,
  timeoutMs = 45_000,
): Promise<SlurmJobStatus> {
  const deadline = Date.now() + timeoutMs;
  let last: SlurmJobStatus | undefined;
  for (;;) {
    last = await driver.status(jobId);
    if (done(last)) return last;
    if (Date.now() > deadline) {
      throw new Error(
        `job ${jobId} did not reach the expected status in ${timeoutMs} ms; last: ${JSON.stringify(last)}`,
      );
    }
    await sleep(200);
  }
}

/** Polls the driver's node list until `name` satisfies `done`. */
export async function waitForNode(
  driver: SlurmDriver,
  name: string,
  done: (n: SlurmNodeInfo) => boolean,
  timeoutMs = 45_000,
): Promise<SlurmNodeInfo> {
  const deadline = Date.now() + timeoutMs;
  let last: SlurmNodeInfo | undefined;
  for (;;) {
    last = (await driver.nodes()).find((n) => n.name === name);
    if (last && done(last)) return last;
    if (Date.now() > deadline) {
      throw new Error(
        `node ${name} did not reach the expected state in ${timeoutMs} ms; last: ${JSON.stringify(last)}`,
      );
    }
    await sleep(200);
  }
}

/** The pids of a running job on `node` of this machine (`scontrol listpids`). */
export async function jobPids(cluster: SlurmCluster, jobId: string, node: string): Promise<number[]> {
  // the node name is needed: slurmd's spool dir is per node name, not this machine's hostname
  const r = await cluster.slurm('scontrol', ['listpids', jobId, node]);
  return r.stdout
    .split('\n')
    .slice(1)
    .map((l) => Number(l.trim().split(/\s+/)[0]))
    .filter((p) => Number.isInteger(p) && p > 0);
}

/** User + system CPU time of the processes, in clock ticks, from /proc/<pid>/stat. */
export function cpuTicks(pids: readonly number[]): number {
  let total = 0;
  for (const pid of pids) {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    total += Number(fields[11]) + Number(fields[12]); // utime, stime (fields 14 and 15 of stat)
  }
  return total;
}

/** The scheduler state letters (R, S, D, T, …) of the processes. */
export function processStates(pids: readonly number[]): string[] {
  return pids.map((pid) => {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
  });
}

/** Resolves after `ms` milliseconds. */
export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
