import { afterAll, describe, expect, it } from 'vitest';
import { api, type Doc, type NodesKernel, startNodesKernel, until } from './helpers/nodes-kernel.js';
import { newIdentity, ProtocolAgent } from './helpers/protocol-agent.js';

/*
 * What survives: a plugin reload while agents stay connected (the kernel keeps their sessions),
 * and a kernel restart on the same data dir (records, tokens, settings and the last heartbeat
 * data come back; liveness restarts with a grace period, then judges with the restored facts).
 */

const HB = 300;
const sessions = { plugin: 'sessions', version: '0.1.0' };
let k: NodesKernel | undefined;
const agents: ProtocolAgent[] = [];

afterAll(async () => {
  for (const a of agents) a.close();
  await k?.close();
});

describe('persistence', () => {
  it('a plugin reload keeps connected agents connected and commands working', async () => {
    k = await startNodesKernel({ config: { agents: { heartbeatMs: HB } } });
    const token = (await api<Doc>(k, '/api/v1/nodes/tokens', { method: 'POST', body: { uses: 3 } })).body
      .token;
    const a = new ProtocolAgent({
      url: k.url,
      identity: newIdentity(),
      name: 'stay',
      token,
      ops: { ping: () => 'pong' },
    });
    agents.push(a);
    const o = await a.connect();
    if (!o.ok) throw new Error('join');
    a.startHeartbeats(HB, () => ({ cpu: 0.3 }));
    await until(async () => (await api<Doc>(k!, `/api/v1/nodes/${o.node}`)).body.status.load);
    const reload = await api(k, '/api/v1/plugins/nodes/reload', { method: 'POST' });
    expect(reload.status).toBe(200);
    const after = await until(async () => {
      const r = await api<Doc>(k!, `/api/v1/nodes/${o.node}`);
      return r.status === 200 && r.body;
    });
    expect(after.status).toMatchObject({ state: 'ready', connected: true });
    expect(await k.call('nodes.command', { node: o.node, id: 'after-reload', op: 'ping' }, sessions)).toEqual(
      {
        ok: true,
        data: 'pong',
      },
    );
    a.close();
    await k.close();
    k = undefined;
  });

  it('a kernel restart restores records, tokens, settings and last-heard facts; silence is judged after a grace', async () => {
    k = await startNodesKernel({ config: { agents: { heartbeatMs: HB } } });
    const { dataDir, plugins } = k;
    const tok = (await api<Doc>(k, '/api/v1/nodes/tokens', { method: 'POST', body: { uses: 5 } })).body;
    await api(k, '/api/v1/nodes/settings', {
      method: 'PUT',
      body: { suspectAfterMs: 1_500, downAfterMs: 3_000 },
    });
    const identities = [newIdentity(), newIdentity()];
    const ids: string[] = [];
    for (const [i, identity] of identities.entries()) {
      const a = new ProtocolAgent({ url: k.url, identity, name: `p-${i}`, token: tok.token });
      agents.push(a);
      const o = await a.connect();
      if (!o.ok) throw new Error('join');
      ids.push(o.node);
      a.heartbeat({ cpu: 0.5 + i / 10, memUsed: 1, memTotal: 2 });
      await a.waitFor((m) => m.k === 'hback');
    }
    await api(k, `/api/v1/nodes/${ids[0]}`, { method: 'PATCH', body: { labels: { kept: 'yes' } } });
    await api(k, `/api/v1/nodes/${ids[1]}/cordon`, { method: 'POST', body: { reason: 'kept too' } });
    for (const a of agents.splice(0)) a.close();
    await k.close(true);

    const before = Date.now();
    k = await startNodesKernel({ dataDir, plugins, config: { agents: { heartbeatMs: HB } } });
    const list = (await api<Doc>(k, '/api/v1/nodes')).body.items;
    expect(list.map((n: Doc) => n.name)).toEqual(['p-0', 'p-1']);
    const [n0, n1] = list;
    expect(n0.spec.labels).toEqual({ kept: 'yes' });
    expect(n1.spec.cordon.reason).toBe('kept too');
    expect(n0.status.load).toEqual({ cpu: 0.5, memUsed: 1, memTotal: 2 });
    expect(n0.status.connected).toBe(false);
    const settings = (await api<Doc>(k, '/api/v1/nodes/settings')).body.spec;
    expect(settings).toMatchObject({ suspectAfterMs: 1_500, downAfterMs: 3_000 });
    expect((await api<Doc>(k, `/api/v1/nodes/tokens/${tok.id}`)).body.status.used).toBe(2);
    // The node that closed cleanly before the restart was left as it was judged then; after the
    // grace (counted from this start) silence is judged with what was restored.
    const down = await until(async () => {
      const r = (await api<Doc>(k!, `/api/v1/nodes/${ids[0]}`)).body;
      return r.status.state === 'down' && r;
    });
    expect(Date.parse(down.status.since) - before).toBeGreaterThanOrEqual(3_000 - 100);
    expect(down.status.reason).toMatch(/^no heartbeat for \d+ s, last from 127\.0\.0\.1 at /);
    // And the agent comes back without a token.
    const back = new ProtocolAgent({ url: k.url, identity: identities[0]!, name: 'p-0', node: ids[0] });
    agents.push(back);
    expect(await back.connect()).toMatchObject({ ok: true, node: ids[0] });
    await until(async () => (await api<Doc>(k!, `/api/v1/nodes/${ids[0]}`)).body.status.state === 'ready');
  });

  it('a restart storm: nodes not back yet keep their grace while others return; one that never returns goes down after', async () => {
    k = await startNodesKernel({ config: { agents: { heartbeatMs: HB } } });
    const { dataDir, plugins } = k;
    const tok = (await api<Doc>(k, '/api/v1/nodes/tokens', { method: 'POST', body: { uses: 5 } })).body;
    await api(k, '/api/v1/nodes/settings', {
      method: 'PUT',
      body: { suspectAfterMs: 1_500, downAfterMs: 3_000 },
    });
    const identities = [newIdentity(), newIdentity(), newIdentity(), newIdentity()];
    const ids: string[] = [];
    for (const [i, identity] of identities.entries()) {
      const a = new ProtocolAgent({ url: k.url, identity, name: `s-${i}`, token: tok.token });
      agents.push(a);
      const o = await a.connect();
      if (!o.ok) throw new Error('join');
      ids.push(o.node);
      a.heartbeat({ cpu: 0.1 });
      await a.waitFor((m) => m.k === 'hback');
    }
    for (const a of agents.splice(0)) a.close();
    await k.close(true);

    const started = Date.now();
    k = await startNodesKernel({ dataDir, plugins, config: { agents: { heartbeatMs: HB } } });
    // Three agents come back one after another, 2 s apart (past the 3 s down bound in all); the
    // fourth never does.
    for (const i of [0, 1, 2]) {
      await new Promise((r) => setTimeout(r, i === 0 ? 500 : 2_000));
      const a = new ProtocolAgent({ url: k.url, identity: identities[i]!, name: `s-${i}`, node: ids[i] });
      agents.push(a);
      expect(await a.connect()).toMatchObject({ ok: true, node: ids[i] });
      a.startHeartbeats(HB, () => ({ cpu: 0.2 }));
    }
    const gone = await until(async () => {
      const r = (await api<Doc>(k!, `/api/v1/nodes/${ids[3]}`)).body;
      return r.status.state === 'down' && r;
    }, 30_000);
    expect(gone.status.reason).toMatch(/^no heartbeat for \d+ s, last from 127\.0\.0\.1 at /);
    // Down only once returns stopped: after the last one (~4.5 s) plus the quiet 5 s and the bound.
    expect(Date.parse(gone.status.since) - started).toBeGreaterThanOrEqual(4_500 + 3_000);
    // None of those that came back was ever down or suspect after the restart.
    for (const i of [0, 1, 2]) {
      const h = (await api<Doc>(k, `/api/v1/nodes/${ids[i]}/history?limit=200`)).body.items as Doc[];
      const since = h.filter((x) => Date.parse(x.at) >= started);
      expect(
        since.filter((x) => x.state !== 'ready'),
        `s-${i}`,
      ).toEqual([]);
      expect((await api<Doc>(k, `/api/v1/nodes/${ids[i]}`)).body.status.state).toBe('ready');
    }
  });

  it('a kernel stop closes every session itself: no node is judged for those closes (none suspect before or after the restart)', async () => {
    k = await startNodesKernel({ config: { agents: { heartbeatMs: HB } } });
    const { dataDir, plugins } = k;
    const tok = (await api<Doc>(k, '/api/v1/nodes/tokens', { method: 'POST', body: { uses: 5 } })).body;
    const ids: string[] = [];
    for (let i = 0; i < 4; i++) {
      const a = new ProtocolAgent({
        url: k.url,
        identity: newIdentity(),
        name: `stop-${i}`,
        token: tok.token,
      });
      agents.push(a);
      const o = await a.connect();
      if (!o.ok) throw new Error('join');
      ids.push(o.node);
      a.startHeartbeats(HB, () => ({ cpu: 0.3 }));
    }
    for (const id of ids)
      await until(async () => (await api<Doc>(k!, `/api/v1/nodes/${id}`)).body.status.state === 'ready');
    const judged: string[] = [];
    k.kernel.bus.subscribe(['nodes.node.*'], (batch) => {
      for (const e of batch as Array<{ topic: string; data: { id?: string } }>)
        if (e.data.id && ids.includes(e.data.id)) judged.push(e.topic);
    });
    const stoppedAt = Date.now();
    // The agents are still connected and heartbeating: the kernel closes their sessions (1001).
    await k.close(true);
    for (const a of agents.splice(0)) a.close();
    expect(judged).toEqual([]);
    k = await startNodesKernel({ dataDir, plugins, config: { agents: { heartbeatMs: HB } } });
    for (const id of ids) {
      const n = (await api<Doc>(k, `/api/v1/nodes/${id}`)).body;
      expect(n.status.state, id).toBe('ready');
      const h = (await api<Doc>(k, `/api/v1/nodes/${id}/history?limit=200`)).body.items as Doc[];
      expect(h.filter((x) => Date.parse(x.at) >= stoppedAt - 1_000 && x.state !== 'ready')).toEqual([]);
    }
  });
});
