import { mkdirSync, mkdtempSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { attachMarketplace } from '../../marketplace/index.js';
import { removeDir, startTempKernel, TEST_ADMIN_TOKEN, type TempKernel } from '../helpers/temp-kernel.js';
import { type CliRun, OMEGA, OMEGA_PLUGIN, runCli } from './run-cli.js';

const SDK = join(import.meta.dirname, '..', '..', 'sdk');

describe('acceptance: from an empty folder to a signed plugin installed in a running kernel', () => {
  const work = mkdtempSync(join(tmpdir(), 'omega-author-'));
  let k: TempKernel | undefined;
  afterAll(async () => {
    await k?.stop();
    if (k) removeDir(k.dataDir);
    removeDir(work);
  });

  it('the five README commands; then the route answers over HTTP', async () => {
    k = await startTempKernel({ plugins: { dirs: [] } });
    // As `omega start` does: the file install route lives with the marketplace (one consent rule).
    attachMarketplace(k.kernel);
    const runs: Array<{ cmd: string; run: CliRun }> = [];
    const step = async (cmd: string, script: string, args: string[], cwd: string, tsx = false) => {
      const run = await runCli(script, args, cwd, { tsx });
      runs.push({ cmd, run });
      expect(run.code, `${cmd}\n${run.stdout}\n${run.stderr}`).toBe(0);
      return run;
    };
    const plugin = join(work, 'hello');
    const started = performance.now();

    await step('omega-plugin init hello', OMEGA_PLUGIN, ['init', 'hello'], work);
    // Stands in for `npm install` of the (unpublished) sdk: the scaffold's devDependency.
    mkdirSync(join(plugin, 'node_modules', '@omega'), { recursive: true });
    symlinkSync(SDK, join(plugin, 'node_modules', '@omega', 'sdk'), 'dir');
    const test = await step('omega-plugin test hello', OMEGA_PLUGIN, ['test', 'hello'], work);
    expect(test.stdout).toMatch(/1 passed/);
    await step('omega-plugin keygen', OMEGA_PLUGIN, ['keygen'], work);
    const pack = await step(
      'omega-plugin pack hello --key publisher.private.jwk',
      OMEGA_PLUGIN,
      ['pack', 'hello', '--key', 'publisher.private.jwk'],
      work,
    );
    expect(pack.stdout).toMatch(/hello-0\.1\.0\.omega-plugin/);
    const install = await step(
      'omega plugin install ./hello-0.1.0.omega-plugin --trust publisher.public.jwk --approve',
      OMEGA,
      [
        'plugin',
        'install',
        './hello-0.1.0.omega-plugin',
        '--trust',
        'publisher.public.jwk',
        '--approve',
        '--data-dir',
        k.dataDir,
        '--url',
        k.url,
        '--token',
        TEST_ADMIN_TOKEN,
      ],
      work,
      true,
    );
    expect(install.stdout).toMatch(/installed hello@0\.1\.0.*running/);

    const res = await fetch(`${k.url}/api/v1/hello/hello?name=ada`);
    const total = performance.now() - started;
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ message: 'hello, ada', count: 1 });

    const lines = runs.map((r) => `  ${(r.run.ms / 1000).toFixed(1).padStart(5)} s  ${r.cmd}`);
    console.log(
      `acceptance path: ${runs.length} commands + 1 HTTP call, ${(total / 1000).toFixed(1)} s\n${lines.join('\n')}`,
    );
  });
});
