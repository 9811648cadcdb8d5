import { expect, it, type TestContext } from 'vitest';
import { createSlurmDriver } from '../../src/slurm/index.js';
import { driverOptions } from './driver-contract.js';
import type { SlurmCluster } from './slurm-cluster.js';

/** What only cli mode has: missing client commands, an unreachable slurmctld seen through squeue/sinfo --json. */
export function cliOnlyTests(cluster: (ctx: TestContext) => SlurmCluster) {
  it('names the missing command and where it looked when the Slurm client is not installed', async (ctx) => {
    const driver = createSlurmDriver({
      ...driverOptions('cli', cluster(ctx)),
      binDir: '/nonexistent/slurm/bin',
    });
    const e = await driver.nodes().then(
      () => null,
      (err: unknown) => err,
    );
    expect(e).toMatchObject({ code: 'OMEGA_ERR_SLURM_UNAVAILABLE', extras: { command: 'sinfo' } });
    expect(String((e as Error).message)).toContain('/nonexistent/slurm/bin');
  });

  it('reports an unreachable slurmctld as OMEGA_ERR_SLURM_UNAVAILABLE', async (ctx) => {
    const c = cluster(ctx);
    const driver = createSlurmDriver({
      ...driverOptions('cli', c),
      slurmEnv: { ...c.env, SLURM_CONF: `${c.dir}/unreachable.conf` },
      timeoutMs: 20_000,
    });
    const { readFile, writeFile } = await import('node:fs/promises');
    const conf = await readFile(c.confPath, 'utf8');
    // same cluster, but the controller port points at a port nothing listens on
    await writeFile(`${c.dir}/unreachable.conf`, conf.replace(/^SlurmctldPort=\d+$/m, 'SlurmctldPort=1'));
    await expect(driver.nodes()).rejects.toMatchObject({ code: 'OMEGA_ERR_SLURM_UNAVAILABLE' });
  });
}
