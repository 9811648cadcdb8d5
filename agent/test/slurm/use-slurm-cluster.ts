import { cp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, type TestContext } from 'vitest';
import {
  type SlurmCluster,
  type SlurmClusterOptions,
  slurmUnavailableReason,
  startSlurmCluster,
} from './slurm-cluster.js';

/** Time allowed for installing the packages (apt may wait for another install) and starting. */
export const CLUSTER_START_TIMEOUT_MS = 12 * 60_000;

/**
 * Starts a private Slurm cluster for the enclosing suite and stops it after. Returns a getter
 * to call at the top of each test: it hands back the cluster, or skips the test with the
 * reason (not root, no cgroups, packages not installable), which is also printed once. A
 * cluster that fails to start for any other reason fails the suite. When a test failed, the
 * daemons' logs are copied to $TMPDIR/omega-slurm-logs-<id> before the cluster is removed.
 */
export function useSlurmCluster(options: SlurmClusterOptions = {}): (ctx: TestContext) => SlurmCluster {
  let cluster: SlurmCluster | undefined;
  let skipped: string | null = null;
  beforeAll(async () => {
    skipped = await slurmUnavailableReason();
    if (skipped !== null) {
      process.stderr.write(`[slurm] SKIPPED: ${skipped}\n`);
      return;
    }
    cluster = await startSlurmCluster(options);
  }, CLUSTER_START_TIMEOUT_MS);
  let failed = false;
  afterEach((ctx) => {
    if (ctx.task.result?.state === 'fail') failed = true;
  });
  afterAll(async () => {
    if (cluster && failed) {
      // the daemons' logs are the only record of why Slurm did what it did: keep them
      const keep = join(tmpdir(), `omega-slurm-logs-${cluster.id}`);
      await cp(join(cluster.dir, 'log'), keep, { recursive: true }).catch(() => {});
      process.stderr.write(`[slurm] a test failed; Slurm's logs kept in ${keep}\n`);
    }
    await cluster?.stop();
  }, 90_000);
  return (ctx) => {
    if (!cluster) return ctx.skip(`Slurm unavailable: ${skipped ?? 'cluster not started'}`);
    return cluster;
  };
}
