import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { attachMarketplace } from '../../marketplace/index.js';
import { runOmega } from '../helpers/run-omega.js';
import { removeAtFileEnd, startTempKernel, type TempKernel } from '../helpers/temp-kernel.js';
import { newKey, OK_CODE, writeArtifact } from '../marketplace/fixture-repo.js';
import { call } from '../security/security-kernel.js';

/*
 * `--trust KEY` and `--downgrade` belong to installing a packed plugin file. On the marketplace
 * path (`plugin install NAME`, `plugin upgrade [NAME]`) they were ignored: the key was not
 * trusted and the install went on as if not given. A marketplace's publishers come from its
 * signed index and it goes to an older version when one is named, so there they are a usage
 * error naming the file form. The file form keeps both. Real CLI, real kernel with the marketplace.
 */
describe('plugin install/upgrade: the flags of a packed plugin file', () => {
  let k: TempKernel;
  let work: string;
  let publicKey: string;
  let artifact: string;
  const omega = (...args: string[]) =>
    runOmega(['plugin', ...args, '--url', k.url, '--token', k.token], {
      OMEGA_CONFIG: join(work, 'omega-config.json'),
    });
  const publishers = async () =>
    ((await call(k, 'GET', '/api/v1/plugins/publishers')).body.items as Array<{ kid: string }>).map(
      (p) => p.kid,
    );

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'omega-file-flags-'));
    removeAtFileEnd(work);
    k = await startTempKernel({ plugins: { dirs: [], warmHosts: 0 } });
    attachMarketplace(k.kernel, { healthWindowMs: 300 });
    const key = await newKey();
    publicKey = join(work, 'acme.public.jwk');
    writeFileSync(publicKey, JSON.stringify(key.publicJwk));
    artifact = await writeArtifact(work, { name: 'greeter', version: '1.0.0' }, OK_CODE, key);
  }, 120_000);
  afterAll(async () => {
    await k?.stop();
  });

  it.each([
    [['install', 'greeter', '--trust', 'KEY']],
    [['install', 'greeter@1', '--downgrade']],
    [['upgrade', 'greeter', '--trust', 'KEY']],
    [['upgrade', '--downgrade']],
  ])('plugin %j: a usage error naming the file form, and nothing trusted', async (args) => {
    const given = args.map((a) => (a === 'KEY' ? publicKey : a));
    const [action] = given;
    const flag = given.find((a) => a.startsWith('--')) as string;
    const r = await omega(...given);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(
      new RegExp(
        `^omega: ${flag} is for a packed plugin file \\(plugin ${action} \\./NAME\\.omega-plugin ${flag}`,
      ),
    );
    expect(await publishers()).toEqual([]);
  });

  it('plugin install FILE --trust KEY still trusts the publisher, then installs', async () => {
    const r = await omega('install', artifact, '--trust', publicKey, '--yes');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(
      /^the kernel at http:\S+ now trusts publisher \S+\ninstalled greeter@1\.0\.0, signed by /,
    );
    expect(await publishers()).toHaveLength(1);
  });
});
