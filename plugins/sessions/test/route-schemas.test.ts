import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DeclaredSchemas, expectDocumented } from '../../../tests/helpers/declared-schemas.js';
import {
  api,
  cancelAll,
  type Doc,
  type NodesKernel,
  SESSIONS_DIR,
  skipReason,
  startNode,
  startSessionsKernel,
  stopNode,
  type TestNode,
  until,
  waitSession,
} from '../../../tests/sessions/helpers/sessions-cluster.js';

const reason = await skipReason();

/**
 * The sessions plugin's route schemas on a real kernel: a bad request is refused 400 naming the
 * field before the plugin runs, the handlers keep the checks a schema cannot express, every real
 * answer fits the response schema its route declares (compiled from dist/plugin.json with ajv),
 * and the OpenAPI document carries the schemas for every operation.
 */
describe('sessions route schemas: enforced, true to the answers, documented', () => {
  let k: NodesKernel;
  let schemas: DeclaredSchemas;
  const send = (method: string, path: string, body?: unknown) =>
    api<Doc>(k, `/api/v1/sessions${path}`, { method, ...(body === undefined ? {} : { body }) });
  /** A request and the answer checked against its route's declared response schema. */
  const fits = async (handler: string, method: string, path: string, body?: unknown) => {
    const res = await send(method, path, body);
    schemas.expectDeclared(handler, res);
    return res;
  };

  beforeAll(async () => {
    k = await startSessionsKernel();
    schemas = new DeclaredSchemas(join(SESSIONS_DIR, 'dist', 'plugin.json'));
  }, 120_000);
  afterAll(async () => {
    if (k) await cancelAll(k).catch(() => undefined);
    await k?.close();
  });

  it('refuses a bad body, query or path parameter with a 400 naming each field; nothing is recorded', async () => {
    const cases: Array<[string, string, unknown, string[]]> = [
      [
        'POST',
        '',
        { command: 'x', resources: { memory: 'lots', cores: 0 }, priority: 5000, colour: 'blue' },
        ['colour', 'priority', 'resources.cores', 'resources.memory'],
      ],
      [
        'POST',
        '',
        {
          command: 'x',
          env: { 'BAD-NAME': 'x' },
          target: { kind: 'slurm', partition: 'a b' },
          cwd: '/a/../b',
        },
        ['cwd', 'env.BAD-NAME', 'target.partition'],
      ],
      [
        'POST',
        '',
        { command: 'x', args: ['a\u0000b'], resources: { gpus: 65 } },
        ['args.0', 'resources.gpus'],
      ],
      ['POST', '', ['not', 'a', 'spec'], ['(body)']],
      ['POST', '/plan', { spec: { command: 'x', timeLimit: 'soon' }, count: 0 }, ['count', 'spec.timeLimit']],
      ['POST', '/plan', { count: 2 }, ['spec']],
      ['GET', '?state=runing', undefined, ['state']],
      ['GET', '?limit=0&cursor=zz', undefined, ['cursor', 'limit']],
      ['PUT', '/quotas/team/x', { limits: {} }, ['scope']],
      [
        'PUT',
        '/quotas/user/x',
        { limits: { cores: -1, disks: 2, memory: 'much' } },
        ['limits.cores', 'limits.disks', 'limits.memory'],
      ],
      ['DELETE', '/quotas/user/-x', undefined, ['name']],
      [
        'PATCH',
        '/settings',
        { placement: 'random', retentionMs: 5, defaultGraceMs: 'forever' },
        ['defaultGraceMs', 'placement', 'retentionMs'],
      ],
      ['POST', '/s-nosuch/terminate', { graceMs: -1, why: 'x' }, ['graceMs', 'why']],
      ['POST', '/s-nosuch/terminate', 'now', ['(body)']],
      ['POST', '/s-nosuch/pause', { now: true }, ['now']],
      ['GET', '/s-nosuch/logs?stream=stdin&wait=99&offset=-1', undefined, ['offset', 'stream', 'wait']],
      ['GET', '/s-nosuch/logs/search?regex=yes', undefined, ['pattern', 'regex']],
      ['GET', '/s-nosuch/usage?fresh=1', undefined, ['fresh']],
    ];
    for (const [method, path, body, fields] of cases) {
      const res = await send(method, path, body);
      expect(res.status, `${method} ${path}`).toBe(400);
      expect(res.body.code).toBe('OMEGA_ERR_VALIDATION');
      expect(
        [...new Set((res.body.errors as Doc[]).map((e) => e.field))].sort(),
        `${method} ${path}`,
      ).toEqual(fields);
    }
    expect((await send('GET', '')).body.items).toEqual([]);
    expect((await send('GET', '/quotas')).body.items).toEqual([]);
  });

  it('keeps the checks a schema cannot express in the handlers, naming the field', async () => {
    const cases: Array<[string, string, unknown, string[]]> = [
      ['POST', '', { command: 'x', script: 'y' }, ['command']],
      ['POST', '', { command: 'x', resources: { cores: 1, millicores: 10 } }, ['resources.cores']],
      ['POST', '', { command: 'x', resources: { memory: '1K' } }, ['resources.memory']],
      ['POST', '', { command: 'x', cwd: '/tmp', resources: { disk: '1G' } }, ['resources.disk']],
      ['POST', '', { command: 'x', resources: { gpuModel: 'A100' } }, ['resources.gpuModel']],
      ['POST', '', { command: 'x', nodeSelector: 'a=b=c' }, ['nodeSelector']],
      // walk: accepted, then pending for good ("no node matches")
      ['POST', '', { command: 'x', nodeSelector: 'rack=a,rack=b' }, ['nodeSelector']],
      [
        'POST',
        '/plan',
        { spec: { script: 'x', target: 'slurm', env: { SLURM_X: '1' } } },
        ['spec.env.SLURM_X'],
      ],
      ['PATCH', '/settings', { leftLostAfterMs: '40d' }, ['leftLostAfterMs']],
      ['PATCH', '/settings', { version: 0 }, ['body']],
    ];
    for (const [method, path, body, fields] of cases) {
      const res = await send(method, path, body);
      expect(res.status, `${method} ${path} ${JSON.stringify(body)}`).toBe(400);
      expect(res.body.code).toBe('OMEGA_ERR_VALIDATION');
      expect((res.body.errors as Doc[]).map((e) => e.field).sort()).toEqual(fields);
    }
    expect((await send('GET', '')).body.items).toEqual([]);
  });

  it('answers every route without a node as its response schemas say', async () => {
    const created = await fits('createSession', 'POST', '', {
      name: 'wait here',
      command: 'sleep',
      args: ['60'],
      env: { A: '1' },
      resources: { millicores: 250, memory: '16M', gpus: 0, pids: 64 },
      nodeSelector: { zone: 'a' },
      priority: 5,
      timeLimit: '1h',
      target: { kind: 'agents' },
    });
    expect(created.status).toBe(201);
    const id = created.body.id as string;
    await fits('createSession', 'POST', '', {
      script: 'echo hi',
      target: { kind: 'slurm', partition: 'batch' },
    });
    expect(
      (await fits('planSessions', 'POST', '/plan', { spec: { command: 'sleep' }, count: 2 })).status,
    ).toBe(200);
    await fits('planSessions', 'POST', '/plan', { spec: { script: 'true', target: 'slurm' } });
    const list = await fits('listSessions', 'GET', '?limit=1&state=pending');
    expect(list.body.nextCursor).toBeDefined();
    await fits('listSessions', 'GET', `?cursor=${list.body.nextCursor}&gpu=false`);
    await fits('getSession', 'GET', `/${id}`);
    await fits('sessionLogs', 'GET', `/${id}/logs?stream=stderr&offset=0&limit=10`);
    await fits('sessionUsage', 'GET', `/${id}/usage?fresh=true`);
    expect(
      (await fits('putQuota', 'PUT', '/quotas/user/admin', { limits: { cores: 8.5, memory: '64G' } })).status,
    ).toBe(201);
    expect(
      (await fits('putQuota', 'PUT', '/quotas/user/admin', { limits: { gpus: 2, sessions: 10 }, version: 1 }))
        .status,
    ).toBe(200);
    await fits('putQuota', 'PUT', '/quotas/role/researcher', { limits: { sessions: 3 } });
    await fits('getQuota', 'GET', '/quotas/user/admin');
    await fits('listQuotas', 'GET', '/quotas');
    expect((await fits('myQuota', 'GET', '/quotas/me')).body.limits.sessions.limit).toBe(10);
    expect((await fits('deleteQuota', 'DELETE', '/quotas/role/researcher')).status).toBe(204);
    await fits('allocation', 'GET', '/allocation');
    await fits('slurmClusters', 'GET', '/slurm');
    await fits('getSettings', 'GET', '/settings');
    await fits('patchSettings', 'PATCH', '/settings', { defaultGraceMs: '15s', version: 0 });
    await fits('patchSettings', 'PATCH', '/settings', { defaultGraceMs: 10_000 });
    const cancelled = await fits('terminateSession', 'POST', `/${id}/terminate`, { reason: 'not needed' });
    expect(cancelled.body.status.state).toBe('cancelled');
    // An absent body is no body: terminate with the defaults.
    const other = (await send('POST', '', { command: 'sleep' })).body.id as string;
    const bare = await k.api(`/api/v1/sessions/${other}/terminate`, { method: 'POST' });
    schemas.expectDeclared('terminateSession', { status: bare.status, body: await bare.json() });
  });

  describe.skipIf(reason !== null)(`on a real node${reason ? ` (skipped: ${reason})` : ''}`, () => {
    let node: TestNode;
    beforeAll(async () => {
      node = await startNode(k, 'h1');
    }, 120_000);
    afterAll(async () => {
      if (node) await stopNode(node);
    });

    it('answers the routes of a running session as their response schemas say', async () => {
      const created = await fits('createSession', 'POST', '', {
        script: 'echo ready; while :; do sleep 1; done',
        resources: { millicores: 100, memory: '16M' },
      });
      const id = created.body.id as string;
      await waitSession(k, id, (s) => s.status.state === 'running');
      const logs = await until(async () => {
        const r = await send('GET', `/${id}/logs?wait=5`);
        return r.status === 200 && r.body.data !== '' ? r : undefined;
      }, 30_000);
      schemas.expectDeclared('sessionLogs', logs);
      expect(Buffer.from(logs.body.data as string, 'base64').toString()).toContain('ready');
      expect(
        (await fits('searchSessionLogs', 'GET', `/${id}/logs/search?pattern=read&regex=false`)).body.matches,
      ).toHaveLength(1);
      await fits('sessionUsage', 'GET', `/${id}/usage?fresh=true`);
      await fits('allocation', 'GET', '/allocation');
      await fits('pauseSession', 'POST', `/${id}/pause`, {});
      await waitSession(k, id, (s) => s.status.state === 'paused');
      await fits('getSession', 'GET', `/${id}`);
      await fits('resumeSession', 'POST', `/${id}/resume`);
      await waitSession(k, id, (s) => s.status.state === 'running');
      await fits('terminateSession', 'POST', `/${id}/terminate`, { graceMs: 0 });
      await waitSession(k, id, (s) => s.status.state === 'cancelled');
      await fits('getSession', 'GET', `/${id}`);
    }, 120_000);
  });

  it('puts the schemas of every operation in the OpenAPI document', async () => {
    const doc = (await api<Doc>(k, '/api/v1/openapi.json')).body;
    expectDocumented(doc as Parameters<typeof expectDocumented>[0], 'sessions', schemas.routes);
    // Every route's 2xx answers were checked against their schema above (204 has no body).
    expect(schemas.unchecked()).toEqual(
      reason === null ? [] : ['searchSessionLogs', 'pauseSession', 'resumeSession'],
    );
  });
});
