import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  api,
  createSession,
  type Doc,
  type NodesKernel,
  skipReason,
  startNode,
  startSessionsKernel,
  stopNode,
  type TestNode,
  until,
  waitSession,
} from '../../../tests/sessions/helpers/sessions-cluster.js';

const reason = await skipReason();

const plan = (k: NodesKernel, body: unknown) =>
  api<Doc>(k, '/api/v1/sessions/plan', { method: 'POST', body });

/**
 * POST /sessions/plan on a real kernel (nodes + sessions plugins): the dry run a bulk start
 * shows. It validates like a start, answers the scheduler's own words per copy, and records
 * nothing.
 */
describe('POST /api/v1/sessions/plan: a dry run of N copies', () => {
  let k: NodesKernel;
  beforeAll(async () => {
    k = await startSessionsKernel();
  }, 120_000);
  afterAll(async () => {
    await k?.close();
  });

  it('refuses a bad spec or count with the fields, as a start does', async () => {
    const bad = await plan(k, {
      spec: { command: 'sleep', resources: { memory: 'lots', cores: 0 } },
      count: 2,
    });
    expect(bad.status).toBe(400);
    expect(bad.body.code).toBe('OMEGA_ERR_VALIDATION');
    // Fields of the spec are named where they are in the body (the kernel checks it as a whole).
    const fields = (bad.body.errors as Doc[]).map((e) => e.field).sort();
    expect(fields).toEqual(['spec.resources.cores', 'spec.resources.memory']);
    for (const count of [0, 1001, 1.5, '3'])
      expect(
        (await plan(k, { spec: { command: 'sleep' }, count })).body.errors?.[0]?.field,
        String(count),
      ).toBe('count');
    expect((await plan(k, [])).status).toBe(400);
  });

  it('with no node, every copy would wait with the reason; nothing is recorded', async () => {
    const r = await plan(k, { spec: { command: 'sleep', args: ['1'] }, count: 3 });
    expect(r.status).toBe(200);
    expect(r.body.placed).toBe(0);
    expect(r.body.waiting).toBe(3);
    expect((r.body.items as Doc[]).map((i) => [i.copy, i.placed, i.reason])).toEqual([
      [1, false, 'no node has joined yet'],
      [2, false, 'no node has joined yet'],
      [3, false, 'no node has joined yet'],
    ]);
    const list = await api<Doc>(k, '/api/v1/sessions');
    expect(list.body.items).toEqual([]);
  });

  describe.skipIf(reason !== null)(`on a real node${reason ? ` (skipped: ${reason})` : ''}`, () => {
    let node: TestNode;
    let cpus: number;
    beforeAll(async () => {
      node = await startNode(k, 'h1');
      cpus = (await api<Doc>(k, '/api/v1/nodes/h1')).body.status.capacity.threads as number;
    }, 120_000);
    afterAll(async () => {
      if (node) await stopNode(node);
    });

    it("places what fits on its cores and says why the rest would wait, in the scheduler's words", async () => {
      const r = await plan(k, {
        spec: { command: 'sleep', resources: { cores: cpus, memory: '32M' } },
        count: 2,
      });
      expect(r.status).toBe(200);
      const [first, second] = r.body.items as [Doc, Doc];
      expect(first.placed).toBe(true);
      expect(first.nodeName).toBe('h1');
      expect(first.cpus).toHaveLength(cpus);
      expect(first.reason).toMatch(/^placed on h1: cores /);
      expect(second.placed).toBe(false);
      expect(second.reason).toBe(`needs ${cpus} cores; the largest free is 0 on h1`);
      // A share of a core each: they all fit.
      const small = await plan(k, {
        spec: { command: 'sleep', resources: { millicores: 100, memory: '8M' } },
        count: 4,
      });
      expect(small.body.placed).toBe(4);
      expect((await api<Doc>(k, '/api/v1/sessions')).body.items).toEqual([]);
    });

    it('GET /sessions/allocation sums what active sessions hold, per node, and lets go when they end', async () => {
      const allocation = async () => (await api<Doc>(k, '/api/v1/sessions/allocation')).body;
      expect((await allocation()).total).toEqual({ millicores: 0, memoryBytes: 0, gpus: 0, sessions: 0 });
      const spec = { command: 'sleep', args: ['60'], resources: { millicores: 250, memory: '16M' } };
      const ids = [];
      for (let i = 0; i < 2; i++) ids.push((await createSession(k, spec)).body.id as string);
      for (const id of ids) await waitSession(k, id, (s) => s.status.state === 'running');
      const held = await allocation();
      expect(held.total).toEqual({ millicores: 500, memoryBytes: 32 * 1024 * 1024, gpus: 0, sessions: 2 });
      const h1 = (await api<Doc>(k, '/api/v1/nodes/h1')).body.id as string;
      expect(held.nodes).toEqual([{ node: h1, ...held.total }]);
      for (const id of ids)
        await api(k, `/api/v1/sessions/${id}/terminate`, { method: 'POST', body: { graceMs: 0 } });
      await until(async () => ((await allocation()).total.sessions === 0 ? true : undefined), 30_000);
    });
  });
});
