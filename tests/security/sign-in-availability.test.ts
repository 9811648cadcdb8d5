import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { removeDir, startTempKernel, type TempKernel } from '../helpers/temp-kernel.js';
import { call, securityPluginsDir, userWithRoles } from './security-kernel.js';

/*
 * While the security plugin is down, access tokens the kernel can verify on its own (signature,
 * expiry) keep working, and revocations the kernel heard still apply — also after a kernel
 * restart (the list is persisted). Only what needs the plugin (sign-in) waits.
 */

describe('sign-in availability while the security plugin is down', () => {
  let k: TempKernel;
  let pluginsDir: string;
  const start = (dataDir?: string) =>
    startTempKernel({ ...(dataDir ? { dataDir } : {}), plugins: { dirs: [pluginsDir], warmHosts: 0 } });

  beforeAll(async () => {
    pluginsDir = await securityPluginsDir();
    k = await start();
  }, 120_000);
  afterAll(async () => {
    await k?.stop();
    if (k) removeDir(k.dataDir);
    removeDir(pluginsDir);
  });

  const status = async (token: string) => (await call(k, 'GET', '/api/v1/plugins', undefined, token)).status;

  it('valid tokens keep working on kernel routes, revoked ones stay refused, sign-in waits', async () => {
    const ann = await userWithRoles(k, 'ann', ['admin']);
    const bob = await userWithRoles(k, 'bob', ['admin']);
    expect(await status(ann.accessToken)).toBe(200);
    expect(await status(bob.accessToken)).toBe(200);
    // Bob's sessions are revoked (security.token.revoked): the kernel keeps that on its own.
    expect(
      (await call(k, 'POST', '/api/v1/security/me/logout-all', undefined, bob.accessToken)).status,
    ).toBeLessThan(300);
    expect(await status(bob.accessToken)).toBe(401);

    expect((await call(k, 'POST', '/api/v1/plugins/security/disable?consent=security')).status).toBe(200);
    expect(await status(ann.accessToken)).toBe(200);
    expect(await status(bob.accessToken)).toBe(401);
    const login = await call(k, 'POST', '/api/v1/security/login', { username: 'ann', password: 'x' }, false);
    expect(login.status).toBeGreaterThanOrEqual(404);

    // A kernel restart with the plugin still disabled: the revocation list came back from disk.
    const dataDir = k.dataDir;
    await k.stop();
    k = await start(dataDir);
    const view = (await call(k, 'GET', '/api/v1/plugins/security')).body;
    expect(view.enabled).toBe(false);
    expect(await status(ann.accessToken)).toBe(200);
    expect(await status(bob.accessToken)).toBe(401);
    expect(await status(`${ann.accessToken.slice(0, -4)}AAAA`)).toBe(401);

    // Back up: the plugin decides again.
    expect((await call(k, 'POST', '/api/v1/plugins/security/enable')).status).toBe(200);
    await new Promise((r) => setTimeout(r, 200));
    expect(await status(ann.accessToken)).toBe(200);
  }, 120_000);
});
