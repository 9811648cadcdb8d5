import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  api,
  type Doc,
  type NodesKernel,
  skipReason,
  startNode,
  startSessionsKernel,
  stopNode,
  type TestNode,
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
    const fields = (bad.body.errors as Doc[]).map((e) => e.field).sort();
    expect(fields).toEqual(['resources.cores', 'resources.memory']);
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
  });
});
