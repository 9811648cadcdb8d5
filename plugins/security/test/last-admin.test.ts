import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TempKernel } from '../../../tests/helpers/temp-kernel.js';
import {
  call,
  GOOD_PASSWORD,
  startSecurityKernel,
  userWithRoles,
} from '../../../tests/security/security-kernel.js';

const S = '/api/v1/security';

/*
 * Walk: a holder of a custom `*` role demoted the only admin, then deleted its own role, and no
 * user could administer users or roles again (bootstrap needs zero users, break-glass a
 * quarantined plugin; only the kernel's static admin token got back in). A change that would
 * leave no active user with security:admin, when one had it before, is refused (409) and changes
 * nothing. Against a real kernel with the security plugin; `k.token` is the static admin token.
 */
describe('someone must be left to administer security', () => {
  let k: TempKernel;
  beforeAll(async () => {
    k = await startSecurityKernel();
  }, 60_000);
  afterAll(async () => {
    await k?.stop();
  });

  const conflict = (r: { status: number; body: { code?: string; detail?: string } }) => {
    expect(r.status).toBe(409);
    expect(r.body.code).toBe('OMEGA_ERR_CONFLICT');
    expect(r.body.detail).toContain('security:admin');
  };

  it('lets changes through while no user administers; once one does, keeps one', async () => {
    // No administrator yet (users made with the static token): nothing to keep.
    const early = await userWithRoles(k, 'early', ['viewer']);
    expect((await call(k, 'DELETE', `${S}/users/${early.id}`)).status).toBe(204);

    expect((await call(k, 'POST', `${S}/roles`, { name: 'star', permissions: ['*'] })).status).toBe(201);
    const root = await userWithRoles(k, 'root', ['admin']);
    const star = await userWithRoles(k, 'star', ['star']);
    const asStar = (method: string, path: string, body?: unknown) =>
      call(k, method, path, body, star.accessToken);

    // star demotes root: star still administers through its own role.
    expect((await asStar('PATCH', `${S}/users/${root.id}`, { roles: ['viewer'] })).status).toBe(200);
    // …but may not take that role away, by deleting it or emptying it.
    conflict(await asStar('DELETE', `${S}/roles/star`));
    conflict(await asStar('PUT', `${S}/roles/star`, { permissions: ['nodes:read'] }));
    const roles = (await call(k, 'GET', `${S}/roles`)).body.items as Array<{
      name: string;
      permissions: string[];
    }>;
    expect(roles.find((r) => r.name === 'star')?.permissions).toEqual(['*']);

    // The static admin token may not leave nobody either: delete, disable or demote the last one.
    conflict(await call(k, 'DELETE', `${S}/users/${star.id}`));
    conflict(await call(k, 'PATCH', `${S}/users/${star.id}`, { disabled: true }));
    conflict(await call(k, 'PATCH', `${S}/users/${star.id}`, { roles: ['viewer'] }));
    const kept = (await call(k, 'GET', `${S}/users/${star.id}`)).body;
    expect([kept.roles, kept.disabled]).toEqual([['star'], false]);

    // With another administrator, each goes through.
    expect((await call(k, 'PATCH', `${S}/users/${root.id}`, { roles: ['admin'] })).status).toBe(200);
    expect((await call(k, 'DELETE', `${S}/roles/star`)).status).toBe(204);
    expect((await call(k, 'DELETE', `${S}/users/${star.id}`)).status).toBe(204);
    // root is now the last one.
    conflict(await call(k, 'PATCH', `${S}/users/${root.id}`, { disabled: true }));
  }, 120_000);

  it('checks two administrators demoting each other at once one after the other: one is refused', async () => {
    // Each was checked against what was stored before either wrote, and both passed (last note).
    for (const [round, how] of [
      [1, { roles: ['viewer'] }],
      [2, { disabled: true }],
    ] as const) {
      const a = await userWithRoles(k, `pair-a${round}`, ['admin']);
      const b = await userWithRoles(k, `pair-b${round}`, ['admin']);
      // Leave these two as the only administrators.
      const others = (await call(k, 'GET', `${S}/users`)).body.items as Array<{
        id: string;
        roles: string[];
      }>;
      for (const u of others)
        if (u.id !== a.id && u.id !== b.id && u.roles.length > 0)
          expect((await call(k, 'PATCH', `${S}/users/${u.id}`, { roles: [] })).status).toBe(200);

      const [ab, ba] = await Promise.all([
        call(k, 'PATCH', `${S}/users/${b.id}`, how, a.accessToken),
        call(k, 'PATCH', `${S}/users/${a.id}`, how, b.accessToken),
      ]);
      expect([ab.status, ba.status].sort()).toEqual([200, 409]);
      conflict(ab.status === 409 ? ab : ba);
      const after = await Promise.all([a.id, b.id].map((id) => call(k, 'GET', `${S}/users/${id}`)));
      const admins = after.filter((u) => u.body.roles.includes('admin') && !u.body.disabled);
      expect(admins).toHaveLength(1);
    }
  }, 120_000);

  it('keeps both changes when an administrator disables a user changing their own password', async () => {
    // Each wrote back the whole user it had read: the password change (verify, hash: slow)
    // re-enabled a user disabled meanwhile (last note). The disable is sent at a few delays into
    // the password change, so it lands between its read and its write.
    const newPassword = 'another horse battery staple';
    for (const delayMs of [5, 20, 50]) {
      const name = `racer${delayMs}`;
      const u = await userWithRoles(k, name, ['viewer']);
      const change = call(
        k,
        'PUT',
        `${S}/me/password`,
        { currentPassword: GOOD_PASSWORD, newPassword },
        u.accessToken,
      );
      await new Promise((r) => setTimeout(r, delayMs));
      const disable = await call(k, 'PATCH', `${S}/users/${u.id}`, { disabled: true });
      expect(disable.status).toBe(200);
      expect((await change).status, `${delayMs} ms`).toBe(204);
      expect((await call(k, 'GET', `${S}/users/${u.id}`)).body.disabled, `${delayMs} ms`).toBe(true);
      // …and the administrator's change kept the new password.
      expect((await call(k, 'PATCH', `${S}/users/${u.id}`, { disabled: false })).status).toBe(200);
      const login = (password: string) =>
        call(k, 'POST', `${S}/login`, { username: name, password }, false).then((r) => r.status);
      expect([await login(newPassword), await login(GOOD_PASSWORD)], `${delayMs} ms`).toEqual([200, 401]);
    }
  }, 60_000);
});
