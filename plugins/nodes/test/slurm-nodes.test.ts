import type { NodeSummary } from '@omega/plugin-nodes/contract';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, type Doc, type NodesKernel, startNodesKernel, until } from './helpers/nodes-kernel.js';
import { newIdentity, ProtocolAgent } from './helpers/protocol-agent.js';

/*
 * Slurm's nodes in the registry: a real kernel with the real nodes plugin, and a real protocol
 * peer joined as a Slurm submit host sending `slurm.nodes` reports over the gateway exactly as
 * the agent's sessions extension does (topic, shape, MAC'd frames). What the registry, the API
 * and the services then say: registration, state mapping with Slurm's reasons, exclusion from
 * agent-session placement, refusals of writes and commands, and removal.
 */

const HB = 300;
let k: NodesKernel;
let token: string;
const sessions = { plugin: 'sessions', version: '0.1.0' };
const agents: ProtocolAgent[] = [];

/** One Slurm node as the agent's driver reports it (agent/src/sessions/session-reports.ts). */
const slurmNode = (
  name: string,
  state: string,
  reason: string | null = null,
  partitions = ['batch'],
  extra: Record<string, unknown> = {},
) => ({
  name,
  state,
  reason,
  cpus: 8,
  allocatedCpus: state === 'idle' ? 0 : 4,
  memoryMiB: 16_384,
  allocatedMemoryMiB: 0,
  gpus: 0,
  partitions,
  ...extra,
});

function report(a: ProtocolAgent, nodes: unknown[]): void {
  a.send({
    k: 'report',
    topic: 'slurm.nodes',
    data: {
      at: new Date().toISOString(),
      partitions: [
        { name: 'batch', state: 'up', nodes: [], totalCpus: 64, isDefault: true, maxTimeMinutes: null },
      ],
      nodes,
      nodesTotal: nodes.length,
    },
  });
}

async function submitHost(name: string): Promise<{ a: ProtocolAgent; id: string }> {
  const a = new ProtocolAgent({
    url: k.url,
    identity: newIdentity(),
    name,
    token,
    specs: { cpu: { physicalCores: 2, logicalCores: 2 }, memory: { totalBytes: 4e9 } },
    ops: { ping: () => ({ pong: true }) },
  });
  agents.push(a);
  const o = await a.connect();
  if (!o.ok) throw new Error(`join refused: ${o.code} ${o.message}`);
  a.startHeartbeats(HB);
  return { a, id: o.node };
}

const slurmList = async (): Promise<Doc[]> =>
  (await api<Doc>(k, '/api/v1/nodes?selector=source%3Dslurm')).body.items as Doc[];
const byName = (items: Doc[]) => new Map(items.map((n) => [n.name as string, n]));

beforeAll(async () => {
  k = await startNodesKernel({ config: { host: '127.0.0.1', agents: { heartbeatMs: HB } } });
  token = (await api<Doc>(k, '/api/v1/nodes/tokens', { method: 'POST', body: { uses: 10 } })).body.token;
});
afterAll(async () => {
  for (const a of agents) a.close();
  await k?.close();
});

describe('Slurm nodes from a submit host’s slurm.nodes reports', () => {
  let submit: { a: ProtocolAgent; id: string };

  it('registers each Slurm node read-only, with Slurm’s state mapped and its reason', async () => {
    submit = await submitHost('login-1');
    report(submit.a, [
      slurmNode('c1', 'idle', null, ['batch', 'debug'], { gpus: 2 }),
      slurmNode('c2', 'mixed'),
      slurmNode('c3', 'allocated'),
      slurmNode('c4', 'draining', 'swap dimm'),
      slurmNode('c5', 'drained', 'bad disk'),
      slurmNode('c6', 'down', 'Not responding'),
      slurmNode('login-1', 'idle'),
      { name: 'has space', state: 'idle' },
    ]);
    const items = await until(async () => {
      const l = await slurmList();
      return l.length === 7 && l;
    });
    const n = byName(items);
    expect(n.get('c1')).toMatchObject({
      id: `slurm:${submit.id}:c1`,
      spec: { labels: { source: 'slurm', partition: 'batch' } },
      status: {
        state: 'ready',
        reason: 'Slurm: idle',
        schedulable: false,
        cordoned: false,
        connected: false,
        managedBy: 'slurm',
        capacity: { cores: 8, threads: 8, memoryBytes: 16_384 * 1_048_576 },
        slurm: { submitNode: submit.id, name: 'c1', state: 'idle', partitions: ['batch', 'debug'] },
      },
    });
    expect(n.get('c1')?.status.capacity.gpus).toHaveLength(2);
    expect(n.get('c2')?.status).toMatchObject({ state: 'ready', reason: 'Slurm: mixed' });
    expect(n.get('c3')?.status).toMatchObject({ state: 'ready', reason: 'Slurm: allocated' });
    expect(n.get('c4')?.status).toMatchObject({
      state: 'ready',
      draining: true,
      cordoned: true,
      reason: 'Slurm: draining: swap dimm',
    });
    expect(n.get('c4')?.spec.drain).toMatchObject({ by: 'slurm', reason: 'swap dimm' });
    expect(n.get('c5')?.status).toMatchObject({
      state: 'ready',
      draining: false,
      cordoned: true,
      reason: 'Slurm: drained: bad disk',
    });
    expect(n.get('c6')?.status).toMatchObject({ state: 'down', reason: 'Slurm: down: Not responding' });
    // The agent's node holds its name; the Slurm node of the same name is prefixed.
    expect(n.get('login-1@login-1')?.id).toBe(`slurm:${submit.id}:login-1`);
    const own = await api<Doc>(k, '/api/v1/nodes/login-1');
    expect(own.body.id).toBe(submit.id);
    expect(own.body.status.managedBy).toBeUndefined();
    // By name, in detail, with its history.
    const c6 = await api<Doc>(k, '/api/v1/nodes/c6');
    expect(c6.status).toBe(200);
    expect(c6.body.status.history).toEqual([
      expect.objectContaining({ state: 'down', reason: 'Slurm: down: Not responding' }),
    ]);
  });

  it('is never schedulable for agent sessions', async () => {
    const all = (await k.call('nodes.registry', {}, sessions)) as { nodes: NodeSummary[] };
    const c1 = all.nodes.find((x) => x.name === 'c1');
    expect(c1).toMatchObject({ managedBy: 'slurm', state: 'ready', schedulable: false, cordoned: false });
    const schedulable = (await k.call('nodes.registry', { state: 'schedulable' }, sessions)) as {
      nodes: NodeSummary[];
    };
    expect(schedulable.nodes.map((x) => x.id)).toEqual([submit.id]);
    // The sessions plugin's placement holding them out is its own test (plugins/sessions/test).
  });

  it('refuses commands, cordon, drain, uncordon, labels and remove with NODES_ERR_SLURM_MANAGED', async () => {
    const code = await k.call('nodes.command', { node: 'c1', id: 'x1', op: 'ping' }, sessions).then(
      () => 'resolved',
      (e: Doc) => e.extras?.pluginError?.code,
    );
    expect(code).toBe('NODES_ERR_SLURM_MANAGED');
    const byId = await k
      .call('nodes.command', { node: `slurm:${submit.id}:c2`, id: 'x2', op: 'ping' }, sessions)
      .then(
        () => 'resolved',
        (e: Doc) => e.extras?.pluginError?.code,
      );
    expect(byId).toBe('NODES_ERR_SLURM_MANAGED');
    const writes: Array<[string, string, unknown]> = [
      ['POST', '/api/v1/nodes/c1/cordon', { reason: 'maintenance' }],
      ['POST', '/api/v1/nodes/c1/drain', { reason: 'maintenance' }],
      ['POST', '/api/v1/nodes/c5/uncordon', { reason: 'fixed' }],
      ['PATCH', '/api/v1/nodes/c1', { labels: { x: 'y' } }],
      ['DELETE', '/api/v1/nodes/c1?reason=gone', undefined],
    ];
    for (const [method, path, body] of writes) {
      const r = await api<Doc>(k, path, { method, ...(body ? { body } : {}) });
      expect(r.status, `${method} ${path}`).toBe(409);
      expect(r.body.code).toBe('NODES_ERR_SLURM_MANAGED');
      expect(r.body.detail).toMatch(/managed by Slurm/);
    }
    // Nothing changed.
    const c1 = (await api<Doc>(k, '/api/v1/nodes/c1')).body;
    expect(c1.status).toMatchObject({ state: 'ready', cordoned: false });
    expect(c1.spec.labels).toEqual({ source: 'slurm', partition: 'batch' });
    // The agent's own commands still work (ping over the real gateway).
    const pong = (await k.call('nodes.command', { node: submit.id, id: 'p1', op: 'ping' }, sessions)) as Doc;
    expect(pong).toMatchObject({ ok: true, data: { pong: true } });
  });

  it('follows the next report: a node it omits leaves, changed states follow Slurm', async () => {
    report(submit.a, [
      slurmNode('c1', 'idle'),
      slurmNode('c5', 'idle'),
      slurmNode('c6', 'idle'),
      slurmNode('login-1', 'idle'),
    ]);
    const items = await until(async () => {
      const l = await slurmList();
      return l.length === 4 && l;
    });
    const n = byName(items);
    expect([...n.keys()].sort()).toEqual(['c1', 'c5', 'c6', 'login-1@login-1']);
    expect(n.get('c5')?.status).toMatchObject({ state: 'ready', cordoned: false, reason: 'Slurm: idle' });
    const c6 = (await api<Doc>(k, '/api/v1/nodes/c6')).body;
    expect(c6.status.history.map((h: Doc) => h.state)).toEqual(['down', 'ready']);
    expect((await api<Doc>(k, '/api/v1/nodes/c2')).status).toBe(404);
    // A malformed report drops nothing.
    submit.a.send({ k: 'report', topic: 'slurm.nodes', data: { nodes: 'nope' } });
    submit.a.heartbeat();
    await new Promise((r) => setTimeout(r, 300));
    expect(await slurmList()).toHaveLength(4);
  });

  it('drops the Slurm nodes with their submit host when it is removed', async () => {
    const removed = await api<Doc>(k, `/api/v1/nodes/${submit.id}?reason=decommissioned`, {
      method: 'DELETE',
    });
    expect(removed.status).toBe(200);
    expect(await slurmList()).toEqual([]);
    const reg = (await k.call('nodes.registry', {}, sessions)) as { nodes: NodeSummary[] };
    expect(reg.nodes.filter((x) => x.managedBy === 'slurm')).toEqual([]);
  });
});
