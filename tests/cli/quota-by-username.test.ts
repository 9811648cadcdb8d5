import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runOmega } from '../helpers/run-omega.js';
import { call, userWithRoles } from '../security/security-kernel.js';
import { type NodesKernel, SECURITY_DIR, startSessionsKernel } from '../sessions/helpers/sessions-cluster.js';

/*
 * `omega sessions quota set user NAME` keys the quota by the user's id, found by username. The
 * CLI paged through every user (1,000 a request) to find one; the security plugin's user listing
 * now takes `?username=` and the CLI asks for that user alone. Against a real kernel with the
 * security and sessions plugins (the fake-server tests cover the fallbacks).
 */
describe('sessions quota by username, against the security plugin', () => {
  let k: NodesKernel;
  let alice: string;
  beforeAll(async () => {
    k = await startSessionsKernel({ with: [SECURITY_DIR] });
    alice = (await userWithRoles(k, 'alice', ['viewer'])).id;
  }, 120_000);
  afterAll(async () => {
    await k?.close();
  });

  const omega = (...args: string[]) => runOmega(args, { OMEGA_URL: k.url, OMEGA_TOKEN: k.token });

  it('GET /users?username= answers that user alone, case-insensitively, or none', async () => {
    const one = await call(k, 'GET', '/api/v1/security/users?username=ALICE');
    expect(one.status).toBe(200);
    expect(one.body.items.map((u: { id: string }) => u.id)).toEqual([alice]);
    expect(one.body.nextCursor).toBeUndefined();
    const none = await call(k, 'GET', '/api/v1/security/users?username=nobody');
    expect([none.status, none.body.items]).toEqual([200, []]);
    const both = await call(k, 'GET', '/api/v1/security/users?username=alice&cursor=x');
    expect(both.status).toBe(400);
    expect(both.body.errors).toEqual([
      { field: 'cursor', message: 'is not taken with username (one user, one page)' },
    ]);
  });

  it('quota set user NAME keys the quota by the id; a name that is no user is refused', async () => {
    const set = await omega('sessions', 'quota', 'set', 'user', 'Alice', '--cores', '2');
    expect(set.stderr).toBe('');
    expect(set.code).toBe(0);
    expect(set.stdout).toMatch(new RegExp(`^user alice \\(${alice}\\): 2 cores`));
    const listed = await call(k, 'GET', '/api/v1/sessions/quotas');
    expect(listed.body.items).toEqual([expect.objectContaining({ scope: 'user', name: alice })]);

    const nobody = await omega('sessions', 'quota', 'set', 'user', 'nobody', '--cores', '2');
    expect(nobody.code).toBe(2);
    expect(nobody.stderr).toMatch(/^omega: no user "nobody"/);
    expect((await omega('sessions', 'quota', 'rm', 'user', 'alice')).code).toBe(0);
    expect((await call(k, 'GET', '/api/v1/sessions/quotas')).body.items).toEqual([]);
  }, 60_000);
});
