import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { removeDir, startTempKernel, type TempKernel } from '../helpers/temp-kernel.js';
import { writePluginDir } from '../helpers/write-plugin-dir.js';
import { call, GOOD_PASSWORD, securityPluginsDir, userWithRoles } from '../security/security-kernel.js';

// Echoes the caller it is given, and says whether it could change it (it must not).
const ECHO = `export const plugin = {
  routes: {
    echo(req) { return { status: 200, body: { caller: req.caller, frozen: Object.isFrozen(req.caller) && Object.isFrozen(req.caller.permissions) } }; },
  },
};
`;

/**
 * A route caller the plugin host keeps by slot (issue #13, caller-ref) is still the principal's
 * caller as of each request: a role change between two calls of the same token shows at once in
 * the plugin's `req.caller`, through a real kernel, the security plugin and a real plugin host.
 */
describe('a plugin route caller after a role change', () => {
  let k: TempKernel;
  let dir: string;

  beforeAll(async () => {
    dir = await securityPluginsDir();
    writePluginDir(dir, 'caller-echo', ECHO, {
      permissions: ['http:routes'],
      routes: [{ method: 'GET', path: '/echo', handler: 'echo', permission: 'caller-echo:read' }],
    });
    const grants = JSON.parse(readFileSync(join(dir, 'grants.json'), 'utf8'));
    grants['caller-echo'] = { granted: ['http:routes'] };
    writeFileSync(join(dir, 'grants.json'), JSON.stringify(grants));
    k = await startTempKernel({ plugins: { dirs: [dir], warmHosts: 0 } });
  });

  afterAll(async () => {
    await k?.stop();
    removeDir(dir);
  });

  it('shows the new permissions on the very next call', async () => {
    const role = await call(k, 'POST', '/api/v1/security/roles', {
      name: 'echoes',
      permissions: ['caller-echo:read'],
    });
    expect(role.status).toBe(201);
    const u = await userWithRoles(k, 'rolly', ['echoes']);
    const echo = (token: string) => call(k, 'GET', '/api/v1/caller-echo/echo', undefined, token);
    const signIn = async () =>
      (await call(k, 'POST', '/api/v1/security/login', { username: 'rolly', password: GOOD_PASSWORD }, false))
        .body.accessToken as string;
    const first = await echo(u.accessToken);
    expect(first.status).toBe(200);
    expect(first.body.caller.kind).toBe('user');
    expect(first.body.caller.permissions).toEqual(['caller-echo:read']);
    expect(first.body.frozen).toBe(true);
    // The same caller again (by slot in the host): the same answer.
    expect((await echo(u.accessToken)).body).toEqual(first.body);

    // A role change revokes the user's tokens: the old one is refused, the next sign-in's caller
    // carries the new permissions on its first call.
    const put = await call(k, 'PUT', '/api/v1/security/roles/echoes', {
      permissions: ['caller-echo:read', 'nodes:read'],
    });
    expect(put.status).toBe(200);
    expect((await echo(u.accessToken)).status).toBe(401);
    const token = await signIn();
    const after = await echo(token);
    expect(after.status).toBe(200);
    expect(after.body.caller.id).toBe(first.body.caller.id);
    expect(after.body.caller.permissions).toEqual(['caller-echo:read', 'nodes:read']);
    expect((await echo(token)).body).toEqual(after.body);
    // And back: the old permissions again, not a stale slot's.
    await call(k, 'PUT', '/api/v1/security/roles/echoes', { permissions: ['caller-echo:read'] });
    expect((await echo(token)).status).toBe(401);
    expect((await echo(await signIn())).body).toEqual(first.body);
  });
});
