import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nullAuthProvider } from '../helpers/null-auth-provider.js';
import { removeDir, startTempKernel, type TempKernel } from '../helpers/temp-kernel.js';
import { writePluginDir } from '../helpers/write-plugin-dir.js';

// Answers every question of the kernel: API tokens are unknown, sessions inactive.
const PROVIDER = nullAuthProvider();
const service = [{ name: 'auth-provider' }];

// Which plugin answers the kernel's authentication questions is decided when each plugin
// starts (declared service + auth:provider held), not by rebuilding every plugin's view and
// permission gate on each cache miss. The decision must still follow grants and lifecycle.
describe('choosing the auth provider', () => {
  let k: TempKernel;
  let pluginsDir: string;
  const apiToken = () => k.api('/api/v1/kernel', { token: 'omg_not-a-real-token-0000' });

  beforeAll(async () => {
    pluginsDir = mkdtempSync(join(tmpdir(), 'omega-provider-'));
    // Declares the service but never asked for auth:provider.
    writePluginDir(pluginsDir, 'a-pretender', PROVIDER, { services: service });
    // Asked for it; the operator denied it.
    writePluginDir(pluginsDir, 'b-denied', PROVIDER, { permissions: ['auth:provider'], services: service });
    writePluginDir(pluginsDir, 'c-real', PROVIDER, { permissions: ['auth:provider'], services: service });
    const grantsFile = join(pluginsDir, 'grants.json');
    writeFileSync(
      grantsFile,
      JSON.stringify({
        'a-pretender': { granted: [], denied: [] },
        'b-denied': { granted: [], denied: ['auth:provider'] },
        'c-real': { granted: ['auth:provider'], denied: [] },
      }),
    );
    k = await startTempKernel({ plugins: { dirs: [pluginsDir], grantsFile, warmHosts: 0 } });
  });
  afterAll(async () => {
    await k?.stop();
    removeDir(k.dataDir);
    removeDir(pluginsDir);
  });

  it('is the running plugin that holds auth:provider, and only while it runs', async () => {
    const status = (await (await k.api('/api/v1/plugins')).json()) as {
      items: Array<{ name: string; status: string }>;
    };
    expect(status.items.map((p) => [p.name, p.status])).toEqual([
      ['a-pretender', 'running'],
      ['b-denied', 'running'],
      ['c-real', 'running'],
    ]);
    expect(k.kernel.plugins.authProvider()).toBe('c-real');
    expect(k.kernel.auth.provider()?.name).toBe('c-real');
    // The provider is asked, and says the API token is unknown: 401.
    expect((await apiToken()).status).toBe(401);

    await k.kernel.plugins.disable('c-real');
    expect(k.kernel.plugins.authProvider()).toBeUndefined();
    expect(k.kernel.auth.provider()).toBeUndefined();
    // Neither the pretender nor the denied plugin is asked instead: nobody can check the token.
    const unavailable = await apiToken();
    expect(unavailable.status).toBe(503);
    expect(((await unavailable.json()) as { code: string }).code).toBe('OMEGA_ERR_UNAVAILABLE');

    await k.kernel.plugins.enable('c-real');
    expect(k.kernel.plugins.authProvider()).toBe('c-real');
    expect((await apiToken()).status).toBe(401);
  });
});
