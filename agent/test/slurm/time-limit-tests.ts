import { expect, it, type TestContext } from 'vitest';
import { createSlurmDriver, type SlurmDriver } from '../../src/slurm/index.js';
import { driverOptions, ended } from './contract-context.js';
import { waitForJob } from './job-probes.js';
import type { SlurmCluster } from './slurm-cluster.js';

/**
 * Time limits in both modes, overlapped with everything else: Slurm's limits are whole
 * minutes, so `start` submits a 1-minute job per mode on `aux` first and `check` (registered
 * after the other suites) waits for both to be timed out.
 */
export function describeTimeLimits(clusterFor: (ctx: TestContext) => SlurmCluster) {
  const jobs = new Map<'rest' | 'cli', { driver: SlurmDriver; jobId: string }>();
  return {
    start() {
      it('starts a job with a 1-minute limit on aux in each mode (checked after the other tests)', async (ctx) => {
        const cluster = clusterFor(ctx);
        for (const mode of ['rest', 'cli'] as const) {
          const driver = createSlurmDriver(driverOptions(mode, cluster));
          const { jobId } = await driver.submit({
            command: '/bin/sleep',
            args: ['600'],
            cwd: cluster.jobDir,
            partition: 'aux',
            timeLimitMinutes: 1,
          });
          jobs.set(mode, { driver, jobId });
        }
        for (const { driver, jobId } of jobs.values()) {
          expect((await waitForJob(driver, jobId, (x) => x.state === 'running')).nodes).toEqual([
            cluster.nodeNames[1],
          ]);
        }
      });
    },
    check() {
      it('reports each job past its 1-minute limit as timed-out', { timeout: 180_000 }, async (ctx) => {
        clusterFor(ctx);
        expect([...jobs.keys()]).toEqual(['rest', 'cli']);
        for (const { driver, jobId } of jobs.values()) {
          expect(await waitForJob(driver, jobId, ended, 150_000)).toMatchObject({
            state: 'timed-out',
            slurmState: 'TIMEOUT',
            reason: 'TimeLimit',
          });
        }
      });
    },
  };
}
