import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, userWithRoles } from '../../../tests/security/security-kernel.js';
import {
  type Doc,
  type NodesKernel,
  SECURITY_DIR,
  startSessionsKernel,
} from '../../../tests/sessions/helpers/sessions-cluster.js';

/**
 * RBAC and role quotas with the real security plugin: users see and control their own
 * sessions, operators everyone's, viewers see all and change nothing, admins set quotas. No
 * node is needed: sessions wait (pending) and still count against quotas.
 */
describe('sessions RBAC and role quotas, with the security plugin', () => {
  let k: NodesKernel;
  const t: Record<string, string> = {};
  const ids: Record<string, string> = {};
  beforeAll(async () => {
    k = await startSessionsKernel({ with: [SECURITY_DIR] });
    const role = await call(k, 'POST', '/api/v1/security/roles', {
      name: 'researcher',
      description: 'runs their own sessions',
      permissions: ['sessions:read', 'sessions:write', 'nodes:read'],
    });
    expect(role.status).toBe(201);
    for (const [name, roles] of [
      ['alice', ['researcher']],
      ['bob', ['researcher']],
      ['carol', ['operator']],
      ['victor', ['viewer']],
    ] as const) {
      const u = await userWithRoles(k, name, [...roles]);
      t[name] = u.accessToken;
      ids[name] = u.id;
    }
  }, 120_000);
  afterAll(async () => {
    await k?.close();
  });

  const run = (token: string, body: Record<string, unknown> = {}) =>
    call(k, 'POST', '/api/v1/sessions', { command: 'sleep', args: ['1000'], ...body }, token);

  it('a user sees and controls only their own sessions; operators all; viewers read only', async () => {
    const mine = await run(t.alice!, { name: 'alice-job' });
    expect(mine.status).toBe(201);
    expect(mine.body.owner).toEqual({ id: ids.alice, name: 'alice' });
    expect(mine.body.status.reason).toBe('no node has joined yet');
    const theirs = await run(t.bob!, { name: 'bob-job' });
    expect(theirs.status).toBe(201);

    const aliceList = await call(k, 'GET', '/api/v1/sessions', undefined, t.alice!);
    expect(aliceList.body.items.map((s: Doc) => s.id)).toEqual([mine.body.id]);
    // Asking for another owner does not widen the list.
    const sneaky = await call(k, 'GET', `/api/v1/sessions?owner=${ids.bob}`, undefined, t.alice!);
    expect(sneaky.body.items.map((s: Doc) => s.id)).toEqual([mine.body.id]);
    expect((await call(k, 'GET', `/api/v1/sessions/${theirs.body.id}`, undefined, t.alice!)).status).toBe(
      404,
    );
    const steal = await call(k, 'POST', `/api/v1/sessions/${theirs.body.id}/terminate`, {}, t.alice!);
    expect(steal.status).toBe(404);

    const all = await call(k, 'GET', '/api/v1/sessions', undefined, t.victor!);
    expect(all.body.items.map((s: Doc) => s.id).sort()).toEqual([mine.body.id, theirs.body.id].sort());
    const viewerKill = await call(k, 'POST', `/api/v1/sessions/${mine.body.id}/terminate`, {}, t.victor!);
    expect(viewerKill.status).toBe(403); // the route needs sessions:write
    expect((await run(t.victor!)).status).toBe(403);

    const byOwner = await call(k, 'GET', `/api/v1/sessions?owner=${ids.bob}`, undefined, t.carol!);
    expect(byOwner.body.items.map((s: Doc) => s.id)).toEqual([theirs.body.id]);
    const opKill = await call(
      k,
      'POST',
      `/api/v1/sessions/${theirs.body.id}/terminate`,
      { reason: 'maintenance' },
      t.carol!,
    );
    expect(opKill.status).toBe(200);
    expect(opKill.body.status.state).toBe('cancelled');
    expect(opKill.body.status.reason).toBe(`cancelled by ${ids.carol}: maintenance`);
    expect(opKill.body.status.cancelledBy).toBe(ids.carol);
    const own = await call(k, 'POST', `/api/v1/sessions/${mine.body.id}/terminate`, {}, t.alice!);
    expect(own.body.status.state).toBe('cancelled');
  });

  it('only admins set quotas; a role quota applies to each user with the role', async () => {
    const byOperator = await call(
      k,
      'PUT',
      '/api/v1/sessions/quotas/role/researcher',
      { limits: { sessions: 1 } },
      t.carol!,
    );
    expect(byOperator.status).toBe(403);
    const set = await call(k, 'PUT', '/api/v1/sessions/quotas/role/researcher', {
      limits: { sessions: 1, cores: 2, memory: '4G', gpus: 0 },
    });
    expect(set.status).toBe(201);
    expect(set.body.limits).toEqual({ sessions: 1, cores: 2, memoryBytes: 4 * 2 ** 30, gpus: 0 });

    expect((await run(t.alice!)).status).toBe(201);
    const second = await run(t.alice!);
    expect(second.status).toBe(403);
    expect(second.body.code).toBe('SESSIONS_ERR_QUOTA');
    expect(second.body.quota).toEqual({ scope: 'role', name: 'researcher', field: 'sessions', limit: 1 });
    // Bob has the same role but his own allowance.
    expect((await run(t.bob!)).status).toBe(201);
    const gpu = await run(t.bob!, { resources: { gpus: 1 } });
    expect(gpu.status).toBe(403);
    // A user quota replaces the role's, field by field.
    expect(
      (await call(k, 'PUT', `/api/v1/sessions/quotas/user/${ids.alice}`, { limits: { sessions: 3 } })).status,
    ).toBe(201);
    const mem = await run(t.alice!, { resources: { memory: '8G' } });
    expect(mem.status).toBe(403);
    expect(mem.body.quota).toMatchObject({ scope: 'role', name: 'researcher', field: 'memoryBytes' });
    expect((await run(t.alice!)).status).toBe(201);
    const me = await call(k, 'GET', '/api/v1/sessions/quotas/me', undefined, t.alice!);
    expect(me.body.roles).toEqual(['researcher']);
    expect(me.body.limits.sessions.quota).toEqual({ scope: 'user', name: ids.alice });
    expect(me.body.used.sessions).toBe(2);
    // Users see the quotas that apply to them; operators see all.
    const seen = await call(k, 'GET', '/api/v1/sessions/quotas', undefined, t.bob!);
    expect(seen.body.items.map((q: Doc) => `${q.scope}:${q.name}`)).toEqual(['role:researcher']);
    const every = await call(k, 'GET', '/api/v1/sessions/quotas', undefined, t.carol!);
    expect(every.body.items).toHaveLength(2);
    expect(k.events(['audit.sessions.quota-set']).map((e) => (e.data as Doc).target)).toEqual([
      'role:researcher',
      `user:${ids.alice}`,
    ]);
  });

  it('allocation sums are for any reader, without whose they are; planning needs write', async () => {
    const role = await call(k, 'POST', '/api/v1/security/roles', {
      name: 'fleet-watcher',
      description: 'sees nodes, not sessions',
      permissions: ['nodes:read'],
    });
    expect(role.status).toBe(201);
    const outsider = (await userWithRoles(k, 'otto', ['fleet-watcher'])).accessToken;
    const path = '/api/v1/sessions/allocation';
    expect((await call(k, 'GET', path, undefined, false)).status).toBe(401);
    const refused = await call(k, 'GET', path, undefined, outsider);
    expect(refused.status).toBe(403);
    expect(refused.body.code).toBe('OMEGA_ERR_FORBIDDEN');
    for (const who of ['alice', 'victor', 'carol']) {
      const seen = await call(k, 'GET', path, undefined, t[who]);
      expect(seen.status, who).toBe(200);
      expect(Object.keys(seen.body).sort(), who).toEqual(['at', 'nodes', 'total']);
      // sums only: no session, owner or user id reaches a reader who may not list them
      const text = JSON.stringify(seen.body);
      for (const id of Object.values(ids)) expect(text, who).not.toContain(id);
    }
    const plan = (token: string) =>
      call(k, 'POST', '/api/v1/sessions/plan', { spec: { command: 'sleep' }, count: 1 }, token);
    expect((await plan(t.victor!)).status).toBe(403);
    expect((await plan(outsider)).status).toBe(403);
    expect((await plan(t.alice!)).status).toBe(200);
  });

  it('validates quota input and the spec, naming the field', async () => {
    const bad = await call(k, 'PUT', '/api/v1/sessions/quotas/team/x', { limits: {} });
    expect(bad.status).toBe(400);
    const limits = await call(k, 'PUT', '/api/v1/sessions/quotas/user/x', {
      limits: { cores: -1, disks: 2 },
    });
    expect(limits.body.errors.map((e: Doc) => e.field)).toEqual(['limits.disks', 'limits.cores']);
    const spec = await run(t.alice!, { env: { 'BAD-NAME': 'x' }, resources: { gpus: 65 }, priority: 5000 });
    expect(spec.status).toBe(400);
    expect(spec.body.errors.map((e: Doc) => e.field).sort()).toEqual([
      'env.BAD-NAME',
      'priority',
      'resources.gpus',
    ]);
    const both = await call(k, 'POST', '/api/v1/sessions', { command: 'x', script: 'y' }, t.alice!);
    expect(both.body.errors[0]).toEqual({
      field: 'command',
      message: 'give exactly one of command (with args) or script',
    });
  });
});
