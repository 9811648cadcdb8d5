import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { computeIntegrity } from '../../kernel/plugins/index.js';
import { tempDirForTest } from '../helpers/temp-dir.js';
import { runCli } from './run-cli.js';

/*
 * Walk: in `omega-plugin test`, a route's 502 named no cause, and the kernel log that does (a
 * host call denied, with the permission it lacked) was silenced with no way to turn it on. The
 * test kernel's log is silent unless OMEGA_TEST_LOG (or config.log.level) asks for it.
 */
const SCRIPT = join(import.meta.dirname, '..', 'fixtures', 'test-kernel-log.ts');

/** The script on `dir`, from source (tsx), its log level from `env`. */
const run = (dir: string, env: NodeJS.ProcessEnv) =>
  runCli(SCRIPT, [dir], join(import.meta.dirname, '..', '..'), {
    env: { OMEGA_TEST_LOG: '', ...env },
    nodeArgs: ['--conditions=source', '--import', 'tsx'],
  });

describe('the test kernel log', () => {
  it('is silent by default and shows the denied host call with OMEGA_TEST_LOG=debug', async () => {
    const dir = join(tempDirForTest('omega-test-log-'), 'needs-random');
    mkdirSync(join(dir, 'dist'), { recursive: true });
    const code =
      'export const plugin = { routes: { async r(req, ctx) { await ctx.crypto.random(8); return { status: 200, body: {} }; } } };';
    writeFileSync(join(dir, 'dist', 'plugin.js'), code);
    writeFileSync(
      join(dir, 'dist', 'plugin.json'),
      JSON.stringify({
        name: 'needs-random',
        version: '1.0.0',
        engines: { omega: '>=0.1.0' },
        main: 'plugin.js',
        integrity: computeIntegrity(Buffer.from(code)),
        permissions: ['http:routes'],
        routes: [{ method: 'GET', path: '/r', handler: 'r', permission: 'public' }],
      }),
    );
    const quiet = await run(dir, {});
    expect(quiet.stderr).toContain('status 502');
    expect(quiet.stdout).toBe('');
    const told = await run(dir, { OMEGA_TEST_LOG: 'debug' });
    expect(told.stderr).toContain('status 502');
    expect(told.stdout).toContain('"msg":"plugin permission denied"');
    expect(told.stdout).toContain('may not crypto:random: not declared in plugin.json');
  }, 120_000);
});
