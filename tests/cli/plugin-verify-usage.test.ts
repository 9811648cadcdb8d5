import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { attachMarketplace } from '../../marketplace/index.js';
import { runOmega } from '../helpers/run-omega.js';
import { removeAtFileEnd, startTempKernel, type TempKernel } from '../helpers/temp-kernel.js';
import { createFixtureRepo } from '../marketplace/fixture-repo.js';

/*
 * `omega plugin verify` verifies every marketplace source. With none added it exited 1, the code
 * it exits with when a source failed or an installed version is revoked, so a script could not
 * tell "nothing to verify" from a revocation; what is missing is a source to give it: a usage
 * error (one line, exit 2) naming the command that adds one. A word after verify was ignored.
 * Real CLI, real kernel with the marketplace.
 */
describe('omega plugin verify: what it needs', () => {
  let k: TempKernel;
  let work: string;
  const omega = (...args: string[]) =>
    runOmega(['plugin', ...args, '--url', k.url, '--token', k.token], {
      OMEGA_CONFIG: join(work, 'omega-config.json'),
    });

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'omega-verify-'));
    removeAtFileEnd(work);
    k = await startTempKernel({ plugins: { dirs: [], warmHosts: 0 } });
    attachMarketplace(k.kernel, { healthWindowMs: 300 });
  }, 120_000);
  afterAll(async () => {
    await k?.stop();
  });

  it('with no source: a usage error naming how to add one', async () => {
    const r = await omega('verify');
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(
      'omega: plugin verify needs a marketplace source to verify, and none is added; add one with omega plugin source add NAME URL|DIR --root root.json\n',
    );
    expect(r.code).toBe(2);
  });

  it('takes no argument (it verifies every source)', async () => {
    const r = await omega('verify', 'acme');
    expect(r.stderr).toBe(
      'omega: plugin verify takes no arguments (got acme): it verifies every source; omega plugin source list shows them\n',
    );
    expect(r.code).toBe(2);
  });

  it('with a source: verifies it, exit 0', async () => {
    const repo = await createFixtureRepo();
    removeAtFileEnd(repo.dir);
    const add = await omega('source', 'add', 'acme', repo.dir, '--root', join(repo.dir, 'root.json'));
    expect(add.code, add.stderr).toBe(0);
    const r = await omega('verify');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^source \S+: root v1, timestamp v\d+, index v\d+ — verified\n$/);
  });
});
