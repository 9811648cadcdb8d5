import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { api, type Doc, type NodesKernel, startNodesKernel, until } from './helpers/nodes-kernel.js';
import { newIdentity, ProtocolAgent } from './helpers/protocol-agent.js';

/*
 * The nodes plugin with real agent connections: a real kernel (its agent gateway on a real
 * WebSocket), the real plugin in its sandbox, and real protocol peers (real Ed25519 and X25519
 * keys, MAC'd frames). What an agent does — join, heartbeat, answer commands, leave, die, hang,
 * replay a frame — and what the registry, the API, the events and the audit trail then say.
 */

const HB = 300;
let k: NodesKernel;
let token: string;
const agents: ProtocolAgent[] = [];
const sessions = { plugin: 'sessions', version: '0.1.0' };
const node = async (id: string): Promise<Doc> => (await api<Doc>(k, `/api/v1/nodes/${id}`)).body;
const stateOf = async (id: string) => (await node(id)).status.state as string;

function agent(
  name: string,
  extra: Partial<ConstructorParameters<typeof ProtocolAgent>[0]> = {},
): ProtocolAgent {
  const a = new ProtocolAgent({
    url: k.url,
    identity: newIdentity(),
    name,
    token,
    specs: { cpu: { physicalCores: 2, logicalCores: 4 }, memory: { totalBytes: 8e9 } },
    ops: { ping: () => ({ pong: true, agentTime: Date.now() }), echo: (args) => args },
    ...extra,
  });
  agents.push(a);
  return a;
}

async function joined(name: string, extra?: Partial<ConstructorParameters<typeof ProtocolAgent>[0]>) {
  const a = agent(name, extra);
  const o = await a.connect();
  if (!o.ok) throw new Error(`join refused: ${o.code} ${o.message}`);
  a.startHeartbeats(HB, () => ({ cpu: 0.1, memUsed: 1e9, memTotal: 8e9 }));
  return { a, id: o.node };
}

beforeAll(async () => {
  k = await startNodesKernel({ config: { host: '127.0.0.1', agents: { heartbeatMs: HB } } });
  await api(k, '/api/v1/nodes/settings', {
    method: 'PUT',
    body: { suspectAfterMs: 1_200, downAfterMs: 2_400, closedGraceMs: 1_000, loadPublishMs: 1_000 },
  });
  token = (
    await api<Doc>(k, '/api/v1/nodes/tokens', { method: 'POST', body: { uses: 100, labels: { lab: 'ws' } } })
  ).body.token;
});
afterEach(() => {
  for (const a of agents.splice(0)) a.close();
});
afterAll(async () => {
  await k?.close();
});

describe('agents over the real gateway', () => {
  it('join → ready with specs and labels; heartbeats are acknowledged and carry load', async () => {
    const { a, id } = await joined('ws-1');
    const hback = await a.waitFor((m) => m.k === 'hback');
    expect(typeof hback.n).toBe('number');
    const n = await until(async () => {
      const v = await node(id);
      return v.status.load && v;
    });
    expect(n.status).toMatchObject({
      state: 'ready',
      connected: true,
      address: '127.0.0.1',
      agentVersion: '0.1.0-test',
      capacity: { cores: 2, threads: 4, memoryBytes: 8e9 },
      load: { cpu: 0.1, memUsed: 1e9, memTotal: 8e9 },
    });
    expect(n.spec.labels).toEqual({ lab: 'ws' });
  });

  it('a restart resumes the same node without a token; a forged key is refused and audited', async () => {
    const { a, id } = await joined('ws-2');
    a.close();
    await a.waitClosed();
    const again = new ProtocolAgent({ ...a.o, token: undefined, node: id });
    agents.push(again);
    const o = await again.connect();
    expect(o).toMatchObject({ ok: true, node: id, name: 'ws-2' });
    const forged = new ProtocolAgent({ ...a.o, identity: newIdentity(), token: undefined, node: id });
    agents.push(forged);
    expect(await forged.connect()).toMatchObject({ ok: false, code: 'NODES_ERR_KEY_MISMATCH' });
    const audit = await until(() =>
      k
        .events(['audit.nodes.identify'])
        .find((e) => (e.data as Doc).details.code === 'NODES_ERR_KEY_MISMATCH'),
    );
    expect((audit.data as Doc).source).toBe('127.0.0.1');
  });

  it('used-up and forged tokens are refused at the handshake with their codes', async () => {
    const one = (await api<Doc>(k, '/api/v1/nodes/tokens', { method: 'POST', body: { uses: 1 } })).body.token;
    expect((await agent('ws-3a', { token: one }).connect()).ok).toBe(true);
    expect(await agent('ws-3b', { token: one }).connect()).toMatchObject({
      ok: false,
      code: 'NODES_ERR_TOKEN_USED_UP',
    });
    const forged = `${one.slice(0, -3)}abc`;
    expect(await agent('ws-3c', { token: forged }).connect()).toMatchObject({
      ok: false,
      code: 'OMEGA_ERR_TOKEN_INVALID',
    });
  });

  it('a replayed heartbeat closes the session (4400), is audited, and the node stays known', async () => {
    const { a, id } = await joined('ws-4');
    a.stopHeartbeats();
    const kept = a.sendKept({ k: 'hb', n: 1, t: Date.now(), load: {} });
    await a.waitFor((m) => m.k === 'hback');
    a.ws?.send(kept);
    expect((await a.waitClosed()).code).toBe(4400);
    const audit = await until(() =>
      k.events(['audit.nodes.frame.refused']).find((e) => (e.data as Doc).target === id),
    );
    expect(audit.data).toMatchObject({ outcome: 'denied', details: { code: 4400 } });
  });

  it('SIGKILL-like death → suspect then down "agent stopped responding"; SIGTERM → left', async () => {
    const killed = await joined('ws-5');
    await killed.a.waitFor((m) => m.k === 'hback');
    killed.a.kill();
    const down = await until(async () => {
      const v = await node(killed.id);
      return v.status.state === 'down' && v;
    });
    expect(down.status.reason).toMatch(
      /^agent stopped responding: connection closed without leave at .* \(code 1006\)/,
    );
    expect(down.status.history.map((h: Doc) => h.state).slice(-2)).toEqual(['suspect', 'down']);

    const stopped = await joined('ws-6');
    await stopped.a.waitFor((m) => m.k === 'hback');
    stopped.a.leave('SIGTERM');
    expect((await stopped.a.waitClosed()).code).toBe(1000);
    await until(async () => (await stateOf(stopped.id)) === 'left');
    expect((await node(stopped.id)).status.reason).toBe('left: SIGTERM');
  });

  it('a hung agent (its machine still acknowledges) → down "agent hung"; it resumes as ready', async () => {
    const { a, id } = await joined('ws-7');
    await a.waitFor((m) => m.k === 'hback');
    a.hang();
    const down = await until(async () => {
      const v = await node(id);
      return v.status.state === 'down' && v;
    });
    expect(down.status.reason).toMatch(
      /^agent hung: its machine acknowledges but the agent has not answered/,
    );
    const back = new ProtocolAgent({ ...a.o, token: undefined, node: id });
    agents.push(back);
    expect((await back.connect()).ok).toBe(true);
    back.startHeartbeats(HB);
    await until(async () => (await stateOf(id)) === 'ready');
  });

  it('removal closes the session and revokes the key: the next resume is refused', async () => {
    const { a, id } = await joined('ws-8');
    await a.waitFor((m) => m.k === 'hback');
    const r = await api<Doc>(k, `/api/v1/nodes/${id}?reason=retired`, { method: 'DELETE' });
    expect(r.body.disconnected).toBe(true);
    await a.waitFor((m) => m.k === 'close');
    expect((await a.waitClosed()).code).toBe(4403);
    const again = new ProtocolAgent({ ...a.o, token: undefined, node: id });
    agents.push(again);
    expect(await again.connect()).toMatchObject({ ok: false, code: 'NODES_ERR_NODE_REMOVED' });
  });
});

describe('commands (nodes.command)', () => {
  const command = (args: unknown) => k.call('nodes.command', args, sessions) as Promise<Doc>;
  const codeOf = (p: Promise<unknown>) =>
    p.then(
      () => 'resolved',
      (e: Doc) => e.extras?.pluginError?.code ?? e.code,
    );

  it('ping round trip; a repeated id never sends twice and answers the stored result', async () => {
    const { a, id } = await joined('cmd-1');
    const r = await command({ node: id, id: 'p1', op: 'ping' });
    expect(r).toMatchObject({ ok: true, data: { pong: true } });
    expect(await command({ node: 'cmd-1', id: 'p1', op: 'ping' })).toEqual(r);
    expect(a.arrivals.get('sessions/p1')).toBe(1);
    expect(await command({ node: id, id: 'e1', op: 'echo', args: { x: [1, 2] } })).toEqual({
      ok: true,
      data: { x: [1, 2] },
    });
    expect(await command({ node: id, id: 'u1', op: 'nope' })).toMatchObject({
      ok: false,
      error: { code: 'OMEGA_ERR_NOT_FOUND' },
    });
    expect(await codeOf(command({ node: id, id: 'p1', op: 'echo' }))).toBe('OMEGA_ERR_CONFLICT');
  });

  it('survives a reconnect: the pending command is re-sent, executed once, and its result arrives', async () => {
    let hold = true;
    const { a, id } = await joined('cmd-2', { holdResults: () => hold });
    const pending = command({ node: id, id: 'r1', op: 'echo', args: 'once', timeoutMs: 20_000 });
    await a.waitFor((m) => m.k === 'cmd');
    // A repeat while pending joins it (nothing sent again).
    const repeat = command({ node: id, id: 'r1', op: 'echo', args: 'once', timeoutMs: 20_000 });
    await new Promise((r) => setTimeout(r, 200));
    expect(a.arrivals.get('sessions/r1')).toBe(1);
    a.kill();
    hold = false;
    const back = new ProtocolAgent({ ...a.o, token: undefined, node: id, holdResults: () => hold });
    // The same agent process (its executed-ids record) comes back on a new connection.
    Object.assign(back, { executed: a.executed, arrivals: a.arrivals });
    agents.push(back);
    expect((await back.connect()).ok).toBe(true);
    back.startHeartbeats(HB);
    expect(await pending).toEqual({ ok: true, data: 'once' });
    expect(await repeat).toEqual({ ok: true, data: 'once' });
    expect(a.arrivals.get('sessions/r1')).toBe(2); // sent, then re-sent on reconnect
    expect(a.executed.size).toBe(1);
  });

  it('not connected → UNAVAILABLE (nothing sent); no result in time → NODES_ERR_COMMAND_TIMEOUT, and the same id keeps waiting', async () => {
    let hold = true;
    const { a, id } = await joined('cmd-3', { holdResults: () => hold });
    expect(await codeOf(command({ node: id, id: 't1', op: 'ping', timeoutMs: 1_000 }))).toBe(
      'NODES_ERR_COMMAND_TIMEOUT',
    );
    const again = command({ node: id, id: 't1', op: 'ping', timeoutMs: 10_000 });
    hold = false;
    await a.release();
    expect(await again).toMatchObject({ ok: true, data: { pong: true } });
    expect(a.arrivals.get('sessions/t1')).toBe(1);
    a.leave();
    await a.waitClosed();
    expect(await codeOf(command({ node: id, id: 't2', op: 'ping' }))).toBe('OMEGA_ERR_UNAVAILABLE');
  });

  it('a result for a command sent to another node is ignored', async () => {
    let hold = true;
    const x = await joined('cmd-4', { holdResults: () => hold });
    const y = await joined('cmd-5');
    const pending = command({ node: x.id, id: 'f1', op: 'echo', args: 'real', timeoutMs: 10_000 });
    await x.a.waitFor((m) => m.k === 'cmd');
    y.a.send({ k: 'result', id: 'sessions/f1', ok: true, data: 'forged' });
    await new Promise((r) => setTimeout(r, 300));
    hold = false;
    await x.a.release();
    expect(await pending).toEqual({ ok: true, data: 'real' });
    const stats = (await api<Doc>(k, '/api/v1/nodes/settings')).body.status.commands;
    expect(stats.foreignResults).toBeGreaterThanOrEqual(1);
  });
});
