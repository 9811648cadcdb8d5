import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { attachMarketplace } from '../../marketplace/index.js';
import { nullAuthProvider } from '../helpers/null-auth-provider.js';
import { runOmega } from '../helpers/run-omega.js';
import { removeDir, startTempKernel, type TempKernel } from '../helpers/temp-kernel.js';
import { writePluginDir } from '../helpers/write-plugin-dir.js';

// Answers every question of the kernel: API tokens are unknown, sessions inactive.
const PROVIDER = nullAuthProvider('routes: { ping: () => ({ body: {} }) },');

/** Every permission the provider below declares. */
const ALL = ['auth:provider', 'log', 'http:routes'];

/*
 * Disabling the kernel's auth provider asks for its name as consent (it ends every sign-in). Two
 * other changes ended sign-in as surely and asked nothing (review): grants that take auth:provider
 * from it (applied at its next reload), and removing an installed provider. Both now answer 409
 * OMEGA_ERR_CONSENT_REQUIRED and change nothing until the name is given. A real kernel with a
 * provider installed in its installed-plugins folder (as `plugin install FILE` places one), the
 * marketplace's routes attached as `omega start` does.
 */
describe("changes that end the auth provider's sign-in need its name as consent", () => {
  let k: TempKernel;
  let installed: string;
  let grantsFile: string;
  const put = (name: string, granted: string[], query = '', extra: object = {}) =>
    k.api(`/api/v1/plugins/${name}/grants${query}`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ granted, denied: [], ...extra }),
    });
  const stored = () => JSON.parse(readFileSync(grantsFile, 'utf8')) as Record<string, { granted: string[] }>;

  beforeAll(async () => {
    installed = mkdtempSync(join(tmpdir(), 'omega-provider-consent-'));
    writePluginDir(installed, 'gatekeeper', PROVIDER, {
      permissions: ['auth:provider', 'log', 'http:routes'],
      services: [{ name: 'auth-provider' }],
      routes: [{ method: 'GET', path: '/ping', handler: 'ping', permission: 'public' }],
    });
    writePluginDir(installed, 'bystander', 'export const plugin = {};', { permissions: ['log'] });
    grantsFile = join(installed, 'grants.json');
    writeFileSync(
      grantsFile,
      JSON.stringify({
        gatekeeper: { granted: ALL, denied: [] },
        bystander: { granted: ['log'], denied: [] },
      }),
    );
    k = await startTempKernel({ plugins: { dirs: [], installedDir: installed, grantsFile, warmHosts: 0 } });
    attachMarketplace(k.kernel);
  });
  afterAll(async () => {
    await k?.stop();
    removeDir(k.dataDir);
    removeDir(installed);
  });

  it('grants without auth:provider for the provider: 409 and nothing stored, until its name is given', async () => {
    expect(k.kernel.plugins.authProvider()).toBe('gatekeeper');
    const refused = await put('gatekeeper', []);
    expect(refused.status).toBe(409);
    const problem = (await refused.json()) as { code: string; consent: string; detail: string };
    expect(problem).toMatchObject({ code: 'OMEGA_ERR_CONSENT_REQUIRED', consent: 'gatekeeper' });
    expect(problem.detail).toContain('?consent=gatekeeper');
    expect(stored().gatekeeper?.granted).toEqual(ALL);
    // Someone else's name is no consent.
    expect((await put('gatekeeper', [], '?consent=bystander')).status).toBe(409);
    // Keeping auth:provider is not enough (review): a declared permission left undecided refuses
    // the plugin at its reload, and a route permission can shut sign-in as surely.
    expect((await put('gatekeeper', ['auth:provider'])).status).toBe(409);
    const routed = await put('gatekeeper', ALL, '', { routes: { 'GET /ping': 'nodes:read' } });
    expect(routed.status).toBe(409);
    expect(stored().gatekeeper).toEqual({ granted: ALL, denied: [] });
    // Grants that keep it providing and its routes as they are ask nothing; denying a declared
    // permission decides it. Neither do a plugin's that is no provider.
    expect((await put('gatekeeper', ALL)).status).toBe(200);
    expect((await put('gatekeeper', ['auth:provider', 'http:routes'], '', { denied: ['log'] })).status).toBe(
      200,
    );
    expect((await put('gatekeeper', ALL)).status).toBe(200);
    expect(await put('bystander', [])).toHaveProperty('status', 200);
    expect(stored().bystander?.granted).toEqual([]);

    const given = await put('gatekeeper', [], '?consent=gatekeeper');
    expect(given.status).toBe(200);
    expect(stored().gatekeeper?.granted).toEqual([]);
    // Applied at the reload: it no longer answers as the provider.
    await k.kernel.plugins.reload('gatekeeper');
    expect(k.kernel.plugins.authProvider()).toBeUndefined();
    // Giving auth:provider back asks nothing.
    expect((await put('gatekeeper', ALL)).status).toBe(200);
    await k.kernel.plugins.reload('gatekeeper');
    expect(k.kernel.plugins.authProvider()).toBe('gatekeeper');
  });

  it('removing the installed provider: 409 and it keeps running, until its name is given', async () => {
    const remove = (body: object) =>
      k.api('/api/v1/marketplace/remove', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    const refused = await remove({ name: 'gatekeeper' });
    expect(refused.status).toBe(409);
    const problem = (await refused.json()) as { code: string; detail: string };
    expect(problem.code).toBe('OMEGA_ERR_CONSENT_REQUIRED');
    expect(problem.detail).toContain('omega plugin remove gatekeeper --force');
    expect(existsSync(join(installed, 'gatekeeper', 'plugin.json'))).toBe(true);
    expect(k.kernel.plugins.authProvider()).toBe('gatekeeper');
    expect((await remove({ name: 'gatekeeper', consent: 'bystander' })).status).toBe(409);

    // The CLI says so in one line; --force gives the name as consent.
    const env = { OMEGA_URL: k.url, OMEGA_TOKEN: k.token };
    const cli = await runOmega(['plugin', 'remove', 'gatekeeper'], env);
    expect(cli.code).toBe(1);
    expect(cli.stderr).toMatch(/^omega: Plugin "gatekeeper" .*--force\)\. \[OMEGA_ERR_CONSENT_REQUIRED\]\n$/);
    expect(k.kernel.plugins.authProvider()).toBe('gatekeeper');
    const forced = await runOmega(['plugin', 'remove', 'gatekeeper', '--force', '--json'], env);
    expect([forced.code, JSON.parse(forced.stdout)]).toEqual([0, { name: 'gatekeeper', removed: true }]);
    expect(existsSync(join(installed, 'gatekeeper'))).toBe(false);
    expect(k.kernel.plugins.authProvider()).toBeUndefined();
    // A plugin that is no provider is removed without a word.
    expect((await remove({ name: 'bystander' })).status).toBe(200);
  });
});
