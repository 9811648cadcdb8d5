import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { removeDir, type TempKernel } from '../../../tests/helpers/temp-kernel.js';
import {
  call,
  GOOD_PASSWORD,
  startSecurityKernel,
  userWithRoles,
} from '../../../tests/security/security-kernel.js';

const S = '/api/v1/security';

describe('sessions: refresh rotation, reuse detection, logout, revocation on change', () => {
  let k: TempKernel;
  beforeAll(async () => {
    k = await startSecurityKernel();
  });
  afterAll(async () => {
    await k?.stop();
    if (k) removeDir(k.dataDir);
  });

  it('rotates on refresh; presenting an old refresh token revokes the whole family', async () => {
    const u = await userWithRoles(k, 'rita', ['viewer']);
    const r1 = await call(k, 'POST', `${S}/refresh`, { refreshToken: u.refreshToken }, false);
    expect(r1.status).toBe(200);
    expect(r1.body.refreshToken).not.toBe(u.refreshToken);
    const r2 = await call(k, 'POST', `${S}/refresh`, { refreshToken: r1.body.refreshToken }, false);
    expect(r2.status).toBe(200);
    // Every access token of the family works until the reuse …
    expect((await call(k, 'GET', '/api/v1/kernel', undefined, r2.body.accessToken)).status).toBe(200);
    expect((await call(k, 'GET', '/api/v1/kernel', undefined, u.accessToken)).status).toBe(200);
    // … then an old refresh token is presented again (stolen and replayed):
    const reuse = await call(k, 'POST', `${S}/refresh`, { refreshToken: u.refreshToken }, false);
    expect(reuse.status).toBe(401);
    expect(reuse.body.code).toBe('OMEGA_ERR_TOKEN_INVALID');
    // the family is gone: the newest refresh token and every access token of it stop working.
    expect(
      (await call(k, 'POST', `${S}/refresh`, { refreshToken: r2.body.refreshToken }, false)).status,
    ).toBe(401);
    expect((await call(k, 'GET', '/api/v1/kernel', undefined, r2.body.accessToken)).status).toBe(401);
    expect((await call(k, 'GET', '/api/v1/kernel', undefined, u.accessToken)).status).toBe(401);
    const audit = await call(k, 'GET', `${S}/audit?action=token.reuse`);
    expect(audit.body.items.map((e: { actor: string }) => e.actor)).toContain(u.id);
    // A new sign-in is unaffected.
    const again = await call(k, 'POST', `${S}/login`, { username: 'rita', password: GOOD_PASSWORD }, false);
    expect((await call(k, 'GET', '/api/v1/kernel', undefined, again.body.accessToken)).status).toBe(200);
  });

  it('logout revokes the session at once (the kernel drops its cached decision)', async () => {
    const u = await userWithRoles(k, 'leo', ['viewer']);
    expect((await call(k, 'GET', '/api/v1/kernel', undefined, u.accessToken)).status).toBe(200);
    expect((await call(k, 'POST', `${S}/logout`, { refreshToken: u.refreshToken }, false)).status).toBe(204);
    expect((await call(k, 'GET', '/api/v1/kernel', undefined, u.accessToken)).status).toBe(401);
    expect((await call(k, 'POST', `${S}/refresh`, { refreshToken: u.refreshToken }, false)).status).toBe(401);
  });

  it("a password change revokes the user's sessions; a role change too, and the new token carries the new role", async () => {
    const u = await userWithRoles(k, 'pat', ['viewer']);
    const next = 'another long passphrase 42';
    const changed = await call(
      k,
      'PUT',
      `${S}/me/password`,
      { currentPassword: GOOD_PASSWORD, newPassword: next },
      u.accessToken,
    );
    expect(changed.status).toBe(204);
    expect((await call(k, 'GET', '/api/v1/kernel', undefined, u.accessToken)).status).toBe(401);
    expect(
      (await call(k, 'POST', `${S}/login`, { username: 'pat', password: GOOD_PASSWORD }, false)).status,
    ).toBe(401);
    const login = await call(k, 'POST', `${S}/login`, { username: 'pat', password: next }, false);
    expect(login.status).toBe(200);
    expect((await call(k, 'POST', '/api/v1/events', { topic: 'ops.x' }, login.body.accessToken)).status).toBe(
      403,
    );

    expect((await call(k, 'PATCH', `${S}/users/${u.id}`, { roles: ['operator'] })).status).toBe(200);
    expect((await call(k, 'GET', '/api/v1/kernel', undefined, login.body.accessToken)).status).toBe(401);
    const asOperator = await call(k, 'POST', `${S}/login`, { username: 'pat', password: next }, false);
    expect(
      (await call(k, 'POST', '/api/v1/events', { topic: 'ops.x' }, asOperator.body.accessToken)).status,
    ).toBe(202);
  });

  it('refuses passwords against the policy', async () => {
    for (const password of ['short', 'aaaaaaaaaaaaaaaa', 'password1234', 'contains-bob-inside-it']) {
      const r = await call(k, 'POST', `${S}/users`, { username: 'bob', password, roles: ['viewer'] });
      expect(r.status, password).toBe(400);
      expect(r.body.code).toBe('OMEGA_ERR_VALIDATION');
    }
  });

  it('disabling a user ends their access; a custom role with an explicit deny wins over a grant', async () => {
    const made = await call(k, 'POST', `${S}/roles`, {
      name: 'auditor',
      permissions: ['security:read', 'kernel:read'],
      denied: ['kernel:read'],
    });
    expect(made.status).toBe(201);
    const a = await userWithRoles(k, 'ada', ['auditor']);
    expect((await call(k, 'GET', `${S}/audit?limit=1`, undefined, a.accessToken)).status).toBe(200);
    expect((await call(k, 'GET', '/api/v1/kernel', undefined, a.accessToken)).status).toBe(403);
    expect((await call(k, 'PATCH', `${S}/users/${a.id}`, { disabled: true })).status).toBe(200);
    expect((await call(k, 'GET', `${S}/audit?limit=1`, undefined, a.accessToken)).status).toBe(401);
    expect(
      (await call(k, 'POST', `${S}/login`, { username: 'ada', password: GOOD_PASSWORD }, false)).status,
    ).toBe(401);
  });
});

describe('API tokens: named, scoped, expiring, shown once, stored as a hash, listable, revocable', () => {
  let k: TempKernel;
  beforeAll(async () => {
    k = await startSecurityKernel();
  });
  afterAll(async () => {
    await k?.stop();
    if (k) removeDir(k.dataDir);
  });

  it('works within its scopes only, lists without secrets, and stops at once when revoked', async () => {
    const u = await userWithRoles(k, 'ci', ['operator']);
    const created = await call(
      k,
      'POST',
      `${S}/me/tokens`,
      { name: 'ci-bot', scopes: ['kernel:read'], expiresInDays: 7 },
      u.accessToken,
    );
    expect(created.status).toBe(201);
    const { token, id, expiresAt } = created.body;
    expect(token).toMatch(/^omg_/);
    expect(Date.parse(expiresAt) - Date.now()).toBeGreaterThan(6 * 86_400_000);
    expect(Date.parse(expiresAt) - Date.now()).toBeLessThanOrEqual(7 * 86_400_000);

    expect((await call(k, 'GET', '/api/v1/kernel', undefined, token)).status).toBe(200);
    // The owner may publish events, the token was not given that scope.
    expect((await call(k, 'POST', '/api/v1/events', { topic: 'ops.ci' }, token)).status).toBe(403);
    // A scope beyond the owner's own permissions is refused.
    const tooMuch = await call(
      k,
      'POST',
      `${S}/me/tokens`,
      { name: 'x', scopes: ['plugins:admin'] },
      u.accessToken,
    );
    expect(tooMuch.status).toBe(400);

    const listed = await call(k, 'GET', `${S}/me/tokens`, undefined, u.accessToken);
    expect(listed.body.items).toHaveLength(1);
    expect(listed.body.items[0]).not.toHaveProperty('token');
    expect(listed.body.items[0]).not.toHaveProperty('hash');
    // Only a hash is on disk: the secret appears in no storage file.
    await k.kernel.storage.flush();
    const storageFiles = readdirSync(k.dataDir, { recursive: true }) as string[];
    const secret = token.split('.')[1];
    for (const f of storageFiles.filter((n) => n.endsWith('.json'))) {
      expect(readFileSync(join(k.dataDir, f), 'utf8')).not.toContain(secret);
    }

    expect((await call(k, 'DELETE', `${S}/me/tokens/${id}`, undefined, u.accessToken)).status).toBe(204);
    expect((await call(k, 'GET', '/api/v1/kernel', undefined, token)).status).toBe(401);
    expect((await call(k, 'GET', `${S}/tokens`)).body.items[0].revoked).toBe(true);
  });

  it('a wrong secret for a real token id is refused', async () => {
    const u = await userWithRoles(k, 'ops', ['viewer']);
    const created = await call(
      k,
      'POST',
      `${S}/me/tokens`,
      { name: 'r', scopes: ['kernel:read'] },
      u.accessToken,
    );
    const [prefix] = created.body.token.split('.');
    const forged = `${prefix}.${'A'.repeat(43)}`;
    expect((await call(k, 'GET', '/api/v1/kernel', undefined, forged)).status).toBe(401);
  });
});
