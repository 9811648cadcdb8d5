import { describe, expect, it } from 'vitest';
import { createSlurmDriver, type JobChange } from '../../src/slurm/index.js';
import { driverOptions } from './driver-contract.js';
import { jobPids, sleep, waitForJob } from './job-probes.js';
import { useSlurmCluster } from './use-slurm-cluster.js';

const clusterFor = useSlurmCluster({ nodes: 1 });

describe('a job Slurm forgets (slurmctld restarted without its state)', () => {
  it('is lost for a driver that saw it alive, keeps the final state a driver saw, and is unknown to a new driver — in both modes', async (ctx) => {
    const c = clusterFor(ctx);
    const options = (mode: 'rest' | 'cli') => ({ ...driverOptions(mode, c), partition: 'debug' });
    const rest = createSlurmDriver(options('rest'));
    const cli = createSlurmDriver(options('cli'));
    const { jobId: live } = await rest.submit({ command: '/bin/sleep', args: ['300'], cwd: c.jobDir });
    const { jobId: done } = await cli.submit({ command: '/bin/true', cwd: c.jobDir });
    for (const d of [rest, cli]) {
      await waitForJob(d, live, (s) => s.state === 'running');
      await waitForJob(d, done, (s) => s.state === 'completed');
    }
    let pids: number[] = [];
    for (let i = 0; i < 100 && pids.length === 0; i++) {
      pids = await jobPids(c, live, c.nodeNames[0] as string);
      if (pids.length === 0) await sleep(100);
    }
    expect(pids.length).toBeGreaterThan(0);
    const changes: JobChange[] = [];
    const stop = cli.watch((change) => changes.push(change), { intervalMs: 200 });
    try {
      for (let i = 0; i < 100 && !changes.some((x) => x.jobId === live); i++) await sleep(100);

      await c.restartController({ wipeState: true });

      for (const d of [rest, cli]) {
        expect(await d.status(live)).toMatchObject({
          state: 'lost',
          reason: 'Slurm no longer knows this job',
          slurmState: 'RUNNING',
        });
        expect(await d.status(done)).toMatchObject({ state: 'completed', exitCode: 0 });
      }
      const fresh = createSlurmDriver(options('cli'));
      await expect(fresh.status(live)).rejects.toMatchObject({ code: 'OMEGA_ERR_SLURM_JOB_NOT_FOUND' });
      for (let i = 0; i < 100 && !changes.some((x) => x.jobId === live && x.status.state === 'lost'); i++) {
        await sleep(100);
      }
      expect(changes.filter((x) => x.jobId === live).map((x) => x.status.state)).toEqual(['running', 'lost']);
    } finally {
      stop();
    }
    // slurmctld killed the job it no longer knew when slurmd reported it
    for (let i = 0; i < 100 && (await jobPids(c, live, c.nodeNames[0] as string)).length > 0; i++)
      await sleep(100);
    expect(await jobPids(c, live, c.nodeNames[0] as string)).toEqual([]);
  }, 120_000);
});
