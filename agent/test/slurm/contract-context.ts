import { afterEach, type TestContext } from 'vitest';
import { createSlurmDriver, type SlurmDriver, type SlurmDriverOptions } from '../../src/slurm/index.js';
import type { SlurmCluster } from './slurm-cluster.js';

/** The cluster the driver suites run on: `main` (node 1) for the tests, `aux` (node 2) for the time-limit jobs. */
export const CONTRACT_CLUSTER = {
  nodes: 2,
  partitions: [
    { name: 'main', nodes: [0], isDefault: true },
    { name: 'aux', nodes: [1] },
  ],
  gpusPerNode: 2,
};

/** Driver options for `mode` against `cluster`. */
export function driverOptions(mode: 'rest' | 'cli', cluster: SlurmCluster): SlurmDriverOptions {
  const common = { user: cluster.jobUser, slurmEnv: cluster.env, partition: 'main' };
  return mode === 'rest'
    ? { mode, restUrl: cluster.restUrl, jwtKeyFile: cluster.jwtKeyFile, ...common }
    : { mode, ...common };
}

/** What the tests of one mode share: the cluster, one driver, and the jobs to cancel after each test. */
export interface ContractContext {
  /** The cluster and driver for this test (skips the test when Slurm is unavailable). */
  setup(ctx: TestContext): { cluster: SlurmCluster; driver: SlurmDriver };
  /** Submits through the driver and cancels the job after the test. */
  submit(spec: Parameters<SlurmDriver['submit']>[0]): Promise<string>;
}

/** The context of one mode's suite; call inside its `describe`. */
export function createContractContext(
  mode: 'rest' | 'cli',
  clusterFor: (ctx: TestContext) => SlurmCluster,
): ContractContext {
  let driver: SlurmDriver | undefined;
  const mine = new Set<string>();
  afterEach(async () => {
    for (const id of mine) await driver?.cancel(id).catch(() => {});
    mine.clear();
  });
  return {
    setup(ctx) {
      const cluster = clusterFor(ctx);
      driver ??= createSlurmDriver(driverOptions(mode, cluster));
      return { cluster, driver };
    },
    async submit(spec) {
      if (!driver) throw new Error('call setup(ctx) first');
      const { jobId } = await driver.submit(spec);
      mine.add(jobId);
      return jobId;
    },
  };
}

/**
 * The ids of the cluster's queued or running jobs, sorted. (A submission slurmctld refuses can
 * stay in its list as FAILED/BadConstraints until MinJobAge, with no job id handed out.)
 */
export async function liveJobIds(cluster: SlurmCluster): Promise<string[]> {
  const r = await cluster.slurm('squeue', ['-h', '-t', 'PD,R,S,ST,CG,CF', '-o', '%i']);
  return r.stdout
    .split('\n')
    .filter((l) => l !== '')
    .sort();
}

/** Idle and answering slurmctld's pings: a job placed on it now launches (else Slurm requeues it with BeginTime). */
export const responsiveIdle = (n: { state: string; flags: string[] }) =>
  n.state === 'idle' && !n.flags.includes('NOT_RESPONDING');

/** A job that reached a final state. */
export const ended = (s: { state: string }) => !['pending', 'running', 'paused'].includes(s.state);
