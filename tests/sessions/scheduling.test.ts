import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { hostileBinary, skipReason } from '../../agent/test/exec/exec-harness.js';
import type { NodesKernel } from '../../plugins/nodes/test/helpers/nodes-kernel.js';
import {
  api,
  cancelAll,
  createSession,
  type Doc,
  startNode,
  startSessionsKernel,
  stopNode,
  type TestNode,
  waitSession,
} from './helpers/sessions-cluster.js';

const reason = await skipReason();

describe.skipIf(reason !== null)(
  `placement on a real node: full → pending with the reason, by priority then age; quotas${reason ? ` (skipped: ${reason})` : ''}`,
  () => {
    let k: NodesKernel;
    let node: TestNode;
    let bin: string;
    let cpus: number;
    beforeAll(async () => {
      bin = await hostileBinary();
      k = await startSessionsKernel();
      node = await startNode(k, 'h1');
      const n = await api<Doc>(k, '/api/v1/nodes/h1');
      cpus = n.body.status.capacity.threads as number;
    }, 180_000);
    afterEach(async () => {
      if (k) await cancelAll(k);
    });
    afterAll(async () => {
      const left = node ? await stopNode(node) : [];
      await k?.close();
      // A session cancelled while its start was on its way used to outlive the agent's stop.
      expect(left).toEqual([]);
    });

    it('waits with the exact reason while the node is full and starts, by priority, when a session ends', async () => {
      const whole = { command: bin, args: ['sleep'], resources: { cores: cpus, memory: '32M' } };
      const a = (await createSession(k, { ...whole, name: 'a' })).body;
      await waitSession(k, a.id, (s) => s.status.state === 'running');
      const b = await createSession(k, { ...whole, name: 'b' });
      expect(b.status).toBe(201);
      expect(b.body.status.state).toBe('pending');
      expect(b.body.status.reason).toBe(`needs ${cpus} cores; the largest free is 0 on h1`);
      const c = (await createSession(k, { ...whole, name: 'c', priority: 5 })).body;
      expect(c.status.state).toBe('pending');
      const small = await createSession(k, { command: bin, args: ['sleep'], resources: { memory: '64T' } });
      expect(small.body.status.reason).toMatch(
        /^needs 64 TiB memory; the largest node has [\d.]+ GiB \(h1\)$/,
      );

      await api(k, `/api/v1/sessions/${a.id}/terminate`, { method: 'POST', body: { graceMs: 0 } });
      // c (priority 5) goes first though b is older; b keeps waiting, with the reason.
      await waitSession(k, c.id, (s) => s.status.state === 'running');
      const stillB = await waitSession(k, b.body.id, (s) => s.status.state === 'pending');
      expect(stillB.status.reason).toBe(`needs ${cpus} cores; the largest free is 0 on h1`);
      await api(k, `/api/v1/sessions/${c.id}/terminate`, { method: 'POST', body: { graceMs: 0 } });
      const startedB = await waitSession(k, b.body.id, (s) => s.status.state === 'running');
      expect(startedB.history.map((h: Doc) => h.state)).toEqual(['pending', 'starting', 'running']);
      // The list shows who waits and why, filtered on the server.
      const pending = await api<Doc>(k, '/api/v1/sessions?state=pending');
      expect(pending.body.items.map((s: Doc) => s.id)).toEqual([small.body.id]);
      const onNode = await api<Doc>(k, '/api/v1/sessions?node=h1&state=running');
      expect(onNode.body.items.map((s: Doc) => s.id)).toEqual([b.body.id]);
    });

    it('refuses a session over a quota with 403 naming the quota and the current use', async () => {
      const set = await api<Doc>(k, '/api/v1/sessions/quotas/user/admin', {
        method: 'PUT',
        body: { limits: { sessions: 1, cores: 1 } },
      });
      expect(set.status).toBe(201);
      const first = await createSession(k, { command: bin, args: ['sleep'], resources: { millicores: 500 } });
      expect(first.status).toBe(201);
      const over = await createSession(k, { command: bin, args: ['sleep'], resources: { millicores: 500 } });
      expect(over.status).toBe(403);
      expect(over.body.code).toBe('SESSIONS_ERR_QUOTA');
      expect(over.body.detail).toBe(
        'Over quota: user quota "admin" allows 1 session; you use 1 session and ask for 1 session.',
      );
      expect(over.body.quota).toEqual({ scope: 'user', name: 'admin', field: 'sessions', limit: 1 });
      expect(over.body.used).toMatchObject({ sessions: 1, cores: 0.5 });
      const me = await api<Doc>(k, '/api/v1/sessions/quotas/me');
      expect(me.body.limits.sessions).toEqual({ limit: 1, quota: { scope: 'user', name: 'admin' } });
      expect(me.body.used.sessions).toBe(1);
      expect(k.events(['audit.sessions.create']).some((e) => (e.data as Doc).outcome === 'denied')).toBe(
        true,
      );
      expect((await api(k, '/api/v1/sessions/quotas/user/admin', { method: 'DELETE' })).status).toBe(204);
      expect(
        (await createSession(k, { command: bin, args: ['sleep'], resources: { millicores: 500 } })).status,
      ).toBe(201);
    });
  },
);
