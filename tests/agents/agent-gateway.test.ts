import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { removeDir, startTempKernel, type TempKernel } from '../helpers/temp-kernel.js';
import { writePluginDir } from '../helpers/write-plugin-dir.js';
import { refused } from '../ws/ws-helpers.js';
import { newIdentity, TestAgent } from './test-agent.js';

/*
 * The kernel's agent gateway against a real gateway plugin in the real sandbox: the plugin
 * below decides joins and identities and records what it is told; the agent is a real
 * WebSocket peer with real Ed25519 and X25519 keys and MAC'd frames (tests/agents/test-agent.ts).
 */

const GATEWAY_PLUGIN = `export const plugin = {
  setup(ctx) {
    const events = [];
    const keys = new Map();
    let next = 0;
    return {
      services: {
        async gateway(args, _ctx, caller) {
          if (caller.plugin !== 'kernel') throw Object.assign(new Error('kernel only'), { code: 'OMEGA_ERR_FORBIDDEN' });
          if (args.op === 'join') {
            if (args.token !== 'join-token-good') return { refused: { code: 'OMEGA_ERR_TOKEN_INVALID', message: 'unknown token' } };
            const id = 'n' + ++next;
            keys.set(id, args.publicKey);
            return { node: { id, name: args.name } };
          }
          if (args.op === 'identify')
            return keys.get(args.node) === args.publicKey
              ? { node: { id: args.node, name: args.name } }
              : { refused: { code: 'OMEGA_ERR_NOT_FOUND', message: 'no such node for that key' } };
          if (args.op === 'deliver') { for (const e of args.events) events.push(e); return {}; }
          return null;
        },
      },
      routes: {
        async events() { return { status: 200, body: events }; },
        async send(req, ctx) { return { status: 200, body: await ctx.agents.send(req.body.node, req.body.message) }; },
        async connections(_req, ctx) { return { status: 200, body: await ctx.agents.connections() }; },
      },
    };
  },
};
`;

interface Ev {
  node: string;
  conn: string;
  at: number;
  type: string;
  m?: Record<string, unknown>;
  [k: string]: unknown;
}

describe('the kernel agent gateway', () => {
  let k: TempKernel;
  let pluginsDir: string;
  const HB = 400;

  beforeAll(async () => {
    pluginsDir = mkdtempSync(join(tmpdir(), 'omega-gw-'));
    writePluginDir(pluginsDir, 'gw', GATEWAY_PLUGIN, {
      permissions: ['http:routes', 'agents:gateway'],
      services: [{ name: 'agent-gateway', handler: 'gateway' }],
      routes: [
        { method: 'GET', path: '/events', handler: 'events', permission: 'gw:read' },
        { method: 'POST', path: '/send', handler: 'send', permission: 'gw:write' },
        { method: 'GET', path: '/connections', handler: 'connections', permission: 'gw:read' },
      ],
    });
    const grantsFile = join(pluginsDir, 'grants.json');
    writeFileSync(
      grantsFile,
      JSON.stringify({ gw: { granted: ['http:routes', 'agents:gateway'], denied: [] } }),
    );
    k = await startTempKernel({ plugins: { dirs: [pluginsDir], grantsFile }, agents: { heartbeatMs: HB } });
  });
  afterAll(async () => {
    await k?.stop();
    removeDir(k.dataDir);
    removeDir(pluginsDir);
  });

  const events = async (): Promise<Ev[]> => (await (await k.api('/api/v1/gw/events')).json()) as Ev[];
  const waitEvents = async (match: (e: Ev) => boolean, n = 1): Promise<Ev[]> => {
    for (let i = 0; i < 250; i++) {
      const hits = (await events()).filter(match);
      if (hits.length >= n) return hits;
      await new Promise((r) => setTimeout(r, 40));
    }
    throw new Error('timed out waiting for gateway events');
  };

  it('admits a node through the plugin, delivers MACed heartbeats stamped with the kernel clock, and acknowledges them', async () => {
    const agent = new TestAgent(k.url, newIdentity(), { mode: 'join', token: 'join-token-good', name: 'h1' });
    const welcome = await agent.handshake();
    expect(welcome).toMatchObject({ ok: true, name: 'h1', heartbeatMs: HB });
    if (!welcome.ok) return;
    const before = Date.now();
    agent.send({ k: 'hb', n: 1, t: 1, load: { cpu: 0.25, memUsed: 1024 } });
    await agent.waitFor((m) => m.k === 'hback' && m.n === 1);
    const [connected] = await waitEvents((e) => e.node === welcome.node && e.type === 'connected');
    expect(connected).toMatchObject({ name: 'h1', agentVersion: '0.0.0-test' });
    const [hb] = await waitEvents((e) => e.node === welcome.node && e.type === 'message' && e.m?.k === 'hb');
    // The agent said t=1 (its clock); the event carries the kernel's clock.
    expect(hb?.at).toBeGreaterThanOrEqual(before);
    expect(hb?.m).toEqual({ k: 'hb', n: 1, t: 1, load: { cpu: 0.25, memUsed: 1024 } });
    agent.close();
    const [closed] = await waitEvents((e) => e.node === welcome.node && e.type === 'closed');
    expect(closed).toMatchObject({ code: 1000, clean: true, leave: false });
  });

  it('refuses a bad token, a forged identity signature and an unknown node, before anything reaches the plugin as that node', async () => {
    const bad = new TestAgent(k.url, newIdentity(), { mode: 'join', token: 'join-token-bad!' });
    expect(await bad.handshake()).toMatchObject({ ok: false, code: 'OMEGA_ERR_TOKEN_INVALID' });
    const forged = new TestAgent(k.url, newIdentity(), {
      mode: 'join',
      token: 'join-token-good',
      forgeSignature: true,
    });
    expect(await forged.handshake()).toMatchObject({ ok: false, code: 'OMEGA_ERR_SIGNATURE_INVALID' });
    const stranger = new TestAgent(k.url, newIdentity(), { mode: 'resume', node: 'n1' });
    expect(await stranger.handshake()).toMatchObject({ ok: false, code: 'OMEGA_ERR_NOT_FOUND' });
    expect((await bad.waitClosed()).code).toBe(4403);
  });

  // The last notes: the agents' WebSocket took any query, read none (the only API route left that did).
  it('refuses a query: an agent sends none', async () => {
    const ws = `${k.url.replace(/^http/, 'ws')}/api/v1/agents/connect`;
    const r = await refused(`${ws}?token=x`, { protocols: ['omega-agent.v1'] });
    expect(r.status).toBe(400);
    expect(r.body).toMatchObject({
      code: 'OMEGA_ERR_VALIDATION',
      errors: [{ field: 'token', message: 'is not a parameter of this route (it takes none)' }],
    });
    const plain = new TestAgent(k.url, newIdentity(), {
      mode: 'join',
      token: 'join-token-good',
      name: 'no-query',
    });
    expect(await plain.handshake()).toMatchObject({ ok: true });
    plain.close();
  });

  it('refuses an identity key of small order, under which the forged hello signature (R = identity, S = 0) verifies', async () => {
    const identityPoint = Buffer.concat([Buffer.from([1]), Buffer.alloc(31)]).toString('base64url');
    const forgedSig = Buffer.concat([Buffer.from([1]), Buffer.alloc(63)]).toString('base64url');
    const weak = new TestAgent(
      k.url,
      { privateKey: newIdentity().privateKey, publicKey: identityPoint },
      { mode: 'join', token: 'join-token-good', name: 'weak', sig: forgedSig },
    );
    const outcome = await weak.handshake();
    expect(outcome).toMatchObject({ ok: false, code: 'OMEGA_ERR_VALIDATION' });
    expect(outcome.ok === false && outcome.message).toMatch(/small order/);
    expect((await events()).filter((e) => e.name === 'weak')).toEqual([]);
  });

  it('closes the session on a forged MAC, a replayed frame or a skipped sequence', async () => {
    const id = newIdentity();
    const a = new TestAgent(k.url, id, { mode: 'join', token: 'join-token-good' });
    const w = await a.handshake();
    if (!w.ok) throw new Error('not admitted');
    a.send({ k: 'hb', n: 1, t: 0, load: {} }, { key: Buffer.alloc(32, 7) });
    expect((await a.waitClosed()).code).toBe(4400);

    const b = new TestAgent(k.url, id, { mode: 'resume', node: w.node });
    expect((await b.handshake()).ok).toBe(true);
    const frame = b.frame({ k: 'hb', n: 1, t: 0, load: {} });
    b.ws.send(frame);
    await b.waitFor((m) => m.k === 'hback');
    b.ws.send(frame); // the same bytes again
    expect((await b.waitClosed()).code).toBe(4400);

    const c = new TestAgent(k.url, id, { mode: 'resume', node: w.node });
    expect((await c.handshake()).ok).toBe(true);
    c.send({ k: 'hb', n: 1, t: 0, load: {} }, { seq: 5 });
    expect((await c.waitClosed()).code).toBe(4400);
  });

  it('carries plugin commands to the agent and results back at once; a newer session replaces an older', async () => {
    const id = newIdentity();
    const a = new TestAgent(k.url, id, { mode: 'join', token: 'join-token-good' });
    const w = await a.handshake();
    if (!w.ok) throw new Error('not admitted');
    const sent = await k.api('/api/v1/gw/send', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ node: w.node, message: { k: 'cmd', id: 'c-1', op: 'ping', args: {} } }),
    });
    expect(await sent.json()).toEqual({ delivered: true });
    expect(await a.waitFor((m) => m.k === 'cmd')).toEqual({ k: 'cmd', id: 'c-1', op: 'ping', args: {} });
    a.send({ k: 'result', id: 'c-1', ok: true, data: { pong: true } });
    const [result] = await waitEvents((e) => e.node === w.node && e.m?.k === 'result');
    expect(result?.m).toEqual({ k: 'result', id: 'c-1', ok: true, data: { pong: true } });

    // A plugin may send only commands and closes, never acknowledgements.
    const forged = await k.api('/api/v1/gw/send', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ node: w.node, message: { k: 'hback', n: 99 } }),
    });
    expect(forged.status).toBe(502);

    const b = new TestAgent(k.url, id, { mode: 'resume', node: w.node });
    expect((await b.handshake()).ok).toBe(true);
    expect((await a.waitClosed()).code).toBe(4409);
    const conns = (await (await k.api('/api/v1/gw/connections')).json()) as Array<{
      node: string;
      conn: string;
    }>;
    expect(conns.filter((c) => c.node === w.node)).toHaveLength(1);
    b.send({ k: 'leave', reason: 'SIGTERM' });
    expect((await b.waitClosed()).code).toBe(1000);
    const closes = await waitEvents((e) => e.node === w.node && e.type === 'closed' && e.leave === true);
    expect(closes[0]).toMatchObject({ clean: true, leave: true });
  });

  it('reports an agent that stops reading as silent, with TCP saying its machine still acknowledges', async () => {
    const a = new TestAgent(k.url, newIdentity(), { mode: 'join', token: 'join-token-good' });
    const w = await a.handshake();
    if (!w.ok) throw new Error('not admitted');
    // Like a stopped process: its socket stays open and the OS keeps acknowledging, but nothing
    // is read, so no pong is ever sent.
    (a.ws as unknown as { _socket: { pause(): void } })._socket.pause();
    const [silent] = await waitEvents((e) => e.node === w.node && e.type === 'silent');
    expect(silent?.ms).toBeGreaterThan(2 * HB);
    expect(silent?.transport).toBe('acked');
    a.ws.terminate();
  });
});
