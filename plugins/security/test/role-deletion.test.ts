import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { removeDir, startTempKernel, type TempKernel } from '../../../tests/helpers/temp-kernel.js';
import {
  call,
  editStoppedStorage,
  GOOD_PASSWORD,
  securityPluginsDir,
  userWithRoles,
} from '../../../tests/security/security-kernel.js';

/*
 * A deleted role stayed on its holders, and a new role of the same name granted them whatever it
 * granted (walk: dave kept roles ["gpu-user"]; a new gpu-user with ["*"] gave his next sign-in
 * "*"). Deletion now takes the role off every holder and ends their sessions; creating a role
 * takes the name off users still carrying it from before.
 */

const S = '/api/v1/security';

describe('deleting a role', () => {
  let pluginsDir: string;
  let dataDir: string;
  let k: TempKernel | undefined;
  const kernel = (): TempKernel => k!;
  const start = async () => {
    k = await startTempKernel({ dataDir, plugins: { dirs: [pluginsDir], warmHosts: 0 } });
  };
  const login = (username: string) =>
    call(kernel(), 'POST', `${S}/login`, { username, password: GOOD_PASSWORD }, false);
  const publish = (token: string) => call(kernel(), 'POST', '/api/v1/events', { topic: 'ops.gpu' }, token);

  beforeAll(async () => {
    pluginsDir = await securityPluginsDir();
    dataDir = mkdtempSync(join(tmpdir(), 'omega-role-delete-'));
    await start();
  }, 120_000);

  afterAll(async () => {
    await k?.stop();
    removeDir(dataDir);
    removeDir(pluginsDir);
  });

  it('takes it off its holders, ends their sessions, and a new role of that name grants them nothing', async () => {
    const made = await call(kernel(), 'POST', `${S}/roles`, {
      name: 'gpu-user',
      permissions: ['events:publish'],
    });
    expect(made.status).toBe(201);
    const dave = await userWithRoles(kernel(), 'dave', ['viewer', 'gpu-user']);
    const bystander = await userWithRoles(kernel(), 'erin', ['viewer']);
    const token = await call(
      kernel(),
      'POST',
      `${S}/me/tokens`,
      { name: 'gpu-jobs', scopes: ['events:publish'] },
      dave.accessToken,
    );
    expect(token.status).toBe(201);
    // The role's permission works through each of dave's credentials (the kernel caches them).
    expect((await publish(dave.accessToken)).status).toBe(202);
    expect((await publish(token.body.token)).status).toBe(202);

    expect((await call(kernel(), 'DELETE', `${S}/roles/gpu-user`)).status).toBe(204);

    expect((await call(kernel(), 'GET', `${S}/users/${dave.id}`)).body.roles).toEqual(['viewer']);
    // His sign-in is over: the access token (whose claims carry the role) and its refresh token.
    expect((await call(kernel(), 'GET', '/api/v1/kernel', undefined, dave.accessToken)).status).toBe(401);
    expect(
      (await call(kernel(), 'POST', `${S}/refresh`, { refreshToken: dave.refreshToken }, false)).status,
    ).toBe(401);
    // His API token lives on, re-resolved without the role at once (not after the kernel's cache).
    expect((await publish(token.body.token)).status).toBe(403);
    // Someone who did not hold it keeps their session.
    expect((await call(kernel(), 'GET', '/api/v1/kernel', undefined, bystander.accessToken)).status).toBe(
      200,
    );

    const entry = (await call(kernel(), 'GET', `${S}/audit?action=role.delete`)).body.items.at(-1);
    expect(entry).toMatchObject({ target: 'gpu-user', details: { holders: 1, removedFrom: [dave.id] } });

    // The name is free: a new role of that name is a new role, held by nobody.
    const again = await call(kernel(), 'POST', `${S}/roles`, { name: 'gpu-user', permissions: ['*'] });
    expect(again.status).toBe(201);
    const next = await login('dave');
    expect(next.status).toBe(200);
    expect(next.body.user.roles).toEqual(['viewer']);
    const me = await call(kernel(), 'GET', `${S}/me`, undefined, next.body.accessToken);
    expect(me.body.permissions).not.toContain('*');
    expect((await publish(next.body.accessToken)).status).toBe(403);
    expect((await publish(token.body.token)).status).toBe(403);
    expect((await call(kernel(), 'GET', `${S}/users`, undefined, next.body.accessToken)).status).toBe(403);
  }, 60_000);

  it('refuses a built-in role as the input it is (400 naming name), not as a version conflict', async () => {
    for (const [method, body] of [
      ['DELETE', undefined],
      ['PUT', { permissions: ['*'] }],
    ] as const) {
      const r = await call(kernel(), method, `${S}/roles/viewer`, body);
      expect(r.status, method).toBe(400);
      expect(r.body.code).toBe('OMEGA_ERR_VALIDATION');
      expect(r.body.errors).toEqual([expect.objectContaining({ field: 'name' })]);
    }
    const viewer = (await call(kernel(), 'GET', `${S}/roles`)).body.items.find(
      (r: { name: string }) => r.name === 'viewer',
    );
    expect(viewer.permissions).not.toContain('*');
    expect((await call(kernel(), 'DELETE', `${S}/roles/no-such-role`)).status).toBe(404);
  });

  it('a name left on a user by a deletion before this fix is taken off when a role of that name is made', async () => {
    const frank = await userWithRoles(kernel(), 'frank', ['viewer']);
    await kernel().stop();
    k = undefined;
    // What an earlier version left: frank holds a role that no longer exists.
    await editStoppedStorage(dataDir, 'security', async (ns) => {
      const rec = await ns.get<{ roles: string[] }>('users', frank.id);
      await ns.set('users', frank.id, { ...rec!.value, roles: ['viewer', 'old-gpu'] });
    });
    await start();
    // It grants nothing while no role has the name …
    expect((await login('frank')).body.user.roles).toEqual(['viewer', 'old-gpu']);
    // … and creating one does not hand it to him.
    expect((await call(kernel(), 'POST', `${S}/roles`, { name: 'old-gpu', permissions: ['*'] })).status).toBe(
      201,
    );
    const next = await login('frank');
    expect(next.body.user.roles).toEqual(['viewer']);
    expect((await publish(next.body.accessToken)).status).toBe(403);
    const entry = (await call(kernel(), 'GET', `${S}/audit?action=role.create`)).body.items.at(-1);
    expect(entry).toMatchObject({ target: 'old-gpu', details: { removedFrom: [frank.id] } });
    expect((await call(kernel(), 'GET', `${S}/audit/verify`)).body.ok).toBe(true);
  }, 120_000);
});
