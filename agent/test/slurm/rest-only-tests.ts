import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect, it, type TestContext } from 'vitest';
import { createSlurmDriver } from '../../src/slurm/index.js';
import { freePorts } from './cluster/free-ports.js';
import { driverOptions } from './driver-contract.js';
import { waitForJob } from './job-probes.js';
import type { SlurmCluster } from './slurm-cluster.js';

/** What only rest mode has: tokens (minted, rotated, rejected without being echoed), slurmrestd reachability, option checks. */
export function restOnlyTests(cluster: (ctx: TestContext) => SlurmCluster) {
  it('reports a token signed with another key as OMEGA_ERR_SLURM_AUTH and never shows a token', async (ctx) => {
    const c = cluster(ctx);
    const wrongKey = join(c.dir, 'wrong-jwt.key');
    await writeFile(wrongKey, randomBytes(32), { mode: 0o600 });
    const logged: string[] = [];
    const logger = {
      info: (o: object, m: string) => logged.push(JSON.stringify(o) + m),
      warn: (o: object, m: string) => logged.push(JSON.stringify(o) + m),
    };
    const driver = createSlurmDriver({ ...driverOptions('rest', c), jwtKeyFile: wrongKey, logger });
    for (const call of [
      () => driver.nodes(),
      () => driver.status('1'),
      () => driver.submit({ command: '/bin/true', cwd: c.jobDir }),
    ]) {
      const e = await call().then(
        () => null,
        (err: unknown) => err,
      );
      expect(e).toMatchObject({ code: 'OMEGA_ERR_SLURM_AUTH' });
      const shown = `${String((e as Error).message)} ${JSON.stringify(e)} ${String((e as Error).stack)}`;
      expect(shown).not.toMatch(/eyJ[\w-]+\.[\w-]+/);
    }
    expect(logged.join('\n')).not.toMatch(/eyJ/);
  });

  it('reports a supplied token that Slurm rejects as OMEGA_ERR_SLURM_AUTH without echoing it', async (ctx) => {
    const c = cluster(ctx);
    const token = `eyJhbGciOiJIUzI1NiJ9.${randomBytes(24).toString('base64url')}.${randomBytes(32).toString('base64url')}`;
    const { jwtKeyFile: _unused, ...rest } = driverOptions('rest', c) as { jwtKeyFile?: string };
    const driver = createSlurmDriver({ ...(rest as ReturnType<typeof driverOptions>), token: () => token });
    const e = await driver.nodes().then(
      () => null,
      (err: unknown) => err,
    );
    expect(e).toMatchObject({ code: 'OMEGA_ERR_SLURM_AUTH' });
    expect(`${String((e as Error).message)} ${JSON.stringify(e)}`).not.toContain(token);
  });

  it('mints a new token when the last one nears expiry, without the caller noticing', {
    timeout: 60_000,
  }, async (ctx) => {
    const c = cluster(ctx);
    const driver = createSlurmDriver({ ...driverOptions('rest', c), tokenLifetimeSeconds: 10 });
    expect((await driver.partitions()).length).toBe(2);
    await new Promise((r) => setTimeout(r, 11_000));
    expect((await driver.partitions()).length).toBe(2);
    const { jobId } = await driver.submit({ command: '/bin/true', cwd: c.jobDir });
    expect((await waitForJob(driver, jobId, (s) => s.state === 'completed')).exitCode).toBe(0);
  });

  it('reports slurmrestd not listening as OMEGA_ERR_SLURM_UNAVAILABLE', async (ctx) => {
    const [port] = await freePorts(1);
    const driver = createSlurmDriver({
      ...driverOptions('rest', cluster(ctx)),
      restUrl: `http://127.0.0.1:${port}`,
    });
    await expect(driver.partitions()).rejects.toMatchObject({ code: 'OMEGA_ERR_SLURM_UNAVAILABLE' });
  });

  it('refuses options that cannot work with OMEGA_ERR_SLURM_CONFIG naming the field', (ctx) => {
    const base = driverOptions('rest', cluster(ctx));
    const cases: [object, string][] = [
      [{ ...base, mode: 'ssh' }, 'mode'],
      [{ ...base, user: 'root; rm -rf /' }, 'user'],
      [{ ...base, restUrl: 'not a url' }, 'restUrl'],
      [{ ...base, restUrl: 'http://user:pw@127.0.0.1:1' }, 'restUrl'],
      [{ ...base, token: 'x' }, 'jwtKeyFile'],
      [{ ...base, partition: 'a b' }, 'partition'],
      [{ ...base, logDir: 'relative' }, 'logDir'],
      [{ ...base, timeoutMs: 0 }, 'timeoutMs'],
    ];
    for (const [o, field] of cases) {
      expect(() => createSlurmDriver(o as never), field).toThrow(
        expect.objectContaining({ code: 'OMEGA_ERR_SLURM_CONFIG', extras: { field } }),
      );
    }
  });
}
