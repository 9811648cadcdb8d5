import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HIDDEN_ENV_VALUE } from '../../plugins/sessions/src/api/session-view.js';
import { call, userWithRoles } from '../security/security-kernel.js';
import {
  type Doc,
  type NodesKernel,
  SECURITY_DIR,
  startSessionsKernel,
} from '../sessions/helpers/sessions-cluster.js';

/*
 * Found from outside: a user's `omega sessions run --env API_KEY=…` was readable, value and
 * all, by every holder of `sessions-all:read` — the built-in read-only viewer included — in
 * `GET /api/v1/sessions` and `GET /api/v1/sessions/{id}`, and by an operator in the answer to
 * cancelling it. Other users than the owner now see the environment's names, not its values.
 * No node is needed: the session waits (pending).
 */
describe('a session’s environment values are its owner’s', () => {
  let k: NodesKernel;
  const t: Record<string, string> = {};
  const SECRET = 'sk-live-4f9a1c77e2';
  beforeAll(async () => {
    k = await startSessionsKernel({ with: [SECURITY_DIR] });
    const role = await call(k, 'POST', '/api/v1/security/roles', {
      name: 'researcher',
      description: 'runs their own sessions',
      permissions: ['sessions:read', 'sessions:write'],
    });
    expect(role.status).toBe(201);
    for (const [name, roles] of [
      ['alice', ['researcher']],
      ['carol', ['operator']],
      ['victor', ['viewer']],
    ] as const)
      t[name] = (await userWithRoles(k, name, [...roles])).accessToken;
  }, 120_000);
  afterAll(async () => {
    await k?.close();
  });

  it('the owner reads the values; a viewer and an operator read the names only', async () => {
    const created = await call(
      k,
      'POST',
      '/api/v1/sessions',
      { command: 'sleep', args: ['1000'], env: { API_KEY: SECRET, MODE: 'x' } },
      t.alice!,
    );
    expect(created.status).toBe(201);
    expect(created.body.spec.env).toEqual({ API_KEY: SECRET, MODE: 'x' });
    const id = created.body.id as string;
    const own = await call(k, 'GET', `/api/v1/sessions/${id}`, undefined, t.alice!);
    expect(own.body.spec.env.API_KEY).toBe(SECRET);

    for (const who of ['victor', 'carol']) {
      const one = await call(k, 'GET', `/api/v1/sessions/${id}`, undefined, t[who]!);
      expect(one.status, who).toBe(200);
      expect(one.body.spec.env, who).toEqual({ API_KEY: HIDDEN_ENV_VALUE, MODE: HIDDEN_ENV_VALUE });
      const list = await call(k, 'GET', '/api/v1/sessions', undefined, t[who]!);
      expect(
        list.body.items.map((s: Doc) => s.id),
        who,
      ).toContain(id);
      expect(JSON.stringify(list.body), who).not.toContain(SECRET);
    }
    const cancelled = await call(k, 'POST', `/api/v1/sessions/${id}/terminate`, { reason: 'x' }, t.carol!);
    expect(cancelled.status).toBe(200);
    expect(JSON.stringify(cancelled.body)).not.toContain(SECRET);
  });
});
