import { rm } from 'node:fs/promises';
import type { SlurmCluster } from '../slurm-cluster.js';
import type { Daemon } from './daemon.js';
import { waitFor } from './run.js';

/**
 * Takes a test cluster down: cancels every job of every partition and waits (bounded) for
 * them to end, stops the daemons in reverse start order, kills whatever still carries the
 * cluster's mark (e.g. a slurmstepd), then removes the directory.
 */
export async function stopCluster(cluster: SlurmCluster, daemons: Daemon[], step: (l: string) => void) {
  const ctld = daemons.find((d) => d.name === 'slurmctld');
  if (ctld && ctld.exited === null) {
    for (const p of cluster.partitions) await cluster.slurm('scancel', ['--partition', p]).catch(() => {});
    await waitFor(
      'jobs to end',
      async () => {
        const r = await cluster
          .slurm('squeue', ['-h', '-t', 'R,CG,S,ST,CF,SI,SO', '-o', '%i'])
          .catch(() => null);
        return r === null || r.code !== 0 || r.stdout.trim() === '';
      },
      20_000,
      250,
    ).catch(() => step('some jobs did not end in 20 s; their processes are killed'));
  }
  for (const d of [...daemons].reverse()) await d.stop();
  for (const pid of cluster.processes()) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {}
  }
  await waitFor('leftover processes to exit', () => cluster.processes().length === 0, 10_000).catch(() => {});
  await rm(cluster.dir, { recursive: true, force: true });
  step('stopped and removed');
}
