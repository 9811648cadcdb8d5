import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  agentKey,
  api,
  type Doc,
  KERNEL,
  type NodesKernel,
  startNodesKernel,
} from './helpers/nodes-kernel.js';

/*
 * Joins, resumes and their refusals against a real kernel and the real sandboxed plugin. The
 * kernel's agent gateway is the only caller of `nodes.agent-gateway`; these tests call it as
 * the kernel does (same service registry, same caller identity) and check what the plugin
 * decides, stores, publishes and audits.
 */

let k: NodesKernel;
const gateway = (args: unknown) => k.call('nodes.agent-gateway', args) as Promise<Doc>;
const specs = { cpu: { physicalCores: 4, logicalCores: 8 }, memory: { totalBytes: 16e9 } };

async function mint(body: Record<string, unknown> = {}): Promise<{ token: string; id: string }> {
  const r = await api<{ token: string; id: string }>(k, '/api/v1/nodes/tokens', { method: 'POST', body });
  expect(r.status).toBe(201);
  return r.body;
}

beforeAll(async () => {
  k = await startNodesKernel();
});
afterAll(async () => {
  await k?.close();
});

describe('join tokens', () => {
  it('are shown once, listed without their secret, and carry their labels to the node', async () => {
    const t = await mint({ ttl: '1h', uses: 2, labels: { rack: 'a' }, description: 'rack a' });
    expect(t.token).toMatch(/^omg-join\.[A-Za-z0-9_-]{12}\.[A-Za-z0-9_-]{43}$/);
    const list = await api<{ items: Array<Doc> }>(k, '/api/v1/nodes/tokens');
    const listed = list.body.items.find((x) => x.id === t.id);
    expect(listed?.status).toMatchObject({ state: 'active', used: 0 });
    expect(listed?.spec).toMatchObject({ uses: 2, labels: { rack: 'a' }, description: 'rack a' });
    expect(JSON.stringify(list.body)).not.toContain(t.token.split('.')[2]);
    const stored = JSON.stringify(await k.kernel.storage.namespace('nodes').list('tokens'));
    expect(stored).not.toContain(t.token.split('.')[2]);

    const key = agentKey();
    const joined = await gateway({
      op: 'join',
      token: t.token,
      name: 'h1',
      publicKey: key.publicKey,
      specs,
      agentVersion: '0.1.0',
      remote: '10.203.7.11',
    });
    expect(joined.node).toMatchObject({ name: 'h1' });
    const node = await api<Doc>(k, `/api/v1/nodes/${joined.node.id}`);
    expect(node.body.spec.labels).toEqual({ rack: 'a' });
    expect(node.body.status).toMatchObject({
      state: 'ready',
      capacity: { cores: 4, threads: 8, memoryBytes: 16e9 },
    });
    expect(node.body.status.specs).toEqual(specs);
    expect(node.body.status.reason).toBe(`joined with token ${t.id} from 10.203.7.11`);
    // By name too.
    expect((await api(k, '/api/v1/nodes/h1')).body.id).toBe(joined.node.id);
  });

  it('bad token input is refused naming the field', async () => {
    for (const [body, field] of [
      [{ ttl: '10s' }, 'ttl'],
      [{ uses: 0 }, 'uses'],
      [{ labels: { 'bad key': 'x' } }, 'labels.bad key'],
      [{ description: 'x'.repeat(300) }, 'description'],
      [{ nope: 1 }, 'nope'],
    ] as const) {
      const r = await api<{ code: string; errors: Array<{ field: string }> }>(k, '/api/v1/nodes/tokens', {
        method: 'POST',
        body,
      });
      expect(r.status).toBe(400);
      expect(r.body.code).toBe('OMEGA_ERR_VALIDATION');
      expect(r.body.errors.map((e) => e.field)).toContain(field);
    }
  });
});

describe('join', () => {
  it('same key = same node: a rejoin with the same token costs no use', async () => {
    const t = await mint({ uses: 1 });
    const key = agentKey();
    const a = await gateway({ op: 'join', token: t.token, name: 'same', publicKey: key.publicKey, specs });
    const b = await gateway({ op: 'join', token: t.token, name: 'same', publicKey: key.publicKey, specs });
    expect(b.node.id).toBe(a.node.id);
    const tok = await api<Doc>(k, `/api/v1/nodes/tokens/${t.id}`);
    expect(tok.body.status).toMatchObject({ used: 1, state: 'used-up', joined: [a.node.id] });
  });

  it('refuses used-up, revoked, forged, malformed and expired tokens with a reason, and audits each', async () => {
    const used = await mint({ uses: 1 });
    await gateway({ op: 'join', token: used.token, name: 'u1', publicKey: agentKey().publicKey, specs });
    const revoked = await mint({ uses: 5 });
    expect((await api(k, `/api/v1/nodes/tokens/${revoked.id}`, { method: 'DELETE' })).status).toBe(200);
    const forged = `${revoked.token.slice(0, -4)}AAAA`;
    const cases: Array<[string, string]> = [
      [used.token, 'NODES_ERR_TOKEN_USED_UP'],
      [revoked.token, 'NODES_ERR_TOKEN_REVOKED'],
      [forged, 'OMEGA_ERR_TOKEN_INVALID'],
      ['omg-join.nope', 'OMEGA_ERR_TOKEN_INVALID'],
      [`omg-join.AAAAAAAAAAAA.${'A'.repeat(43)}`, 'OMEGA_ERR_TOKEN_INVALID'],
    ];
    for (const [token, code] of cases) {
      const r = await gateway({
        op: 'join',
        token,
        name: `x${code.length}`,
        publicKey: agentKey().publicKey,
        specs,
        remote: '10.0.0.9',
      });
      expect(r.refused?.code).toBe(code);
      expect(r.refused?.message.length).toBeGreaterThan(10);
    }
    await new Promise((r) => setTimeout(r, 300));
    const denied = k
      .events(['audit.nodes.join'])
      .filter((e) => (e.data as { outcome: string }).outcome === 'denied');
    const codes = denied.map((e) => (e.data as { details: { code: string } }).details.code);
    for (const [, code] of cases) expect(codes).toContain(code);
    // Never the secret, in any event.
    expect(JSON.stringify(k.events())).not.toContain(forged.split('.')[2]);
    expect(denied.every((e) => (e.data as { source?: string }).source === '10.0.0.9')).toBe(true);
  });

  it('refuses a name another key holds, and a malformed name or key', async () => {
    const t = await mint({ uses: 10 });
    await gateway({ op: 'join', token: t.token, name: 'taken', publicKey: agentKey().publicKey, specs });
    expect(
      (await gateway({ op: 'join', token: t.token, name: 'taken', publicKey: agentKey().publicKey, specs }))
        .refused?.code,
    ).toBe('NODES_ERR_NAME_TAKEN');
    expect(
      (
        await gateway({
          op: 'join',
          token: t.token,
          name: 'bad name!',
          publicKey: agentKey().publicKey,
          specs,
        })
      ).refused?.code,
    ).toBe('OMEGA_ERR_VALIDATION');
    expect(
      (await gateway({ op: 'join', token: t.token, name: 'ok', publicKey: 'not-a-key', specs })).refused
        ?.code,
    ).toBe('OMEGA_ERR_VALIDATION');
    // Refusals gave their use back: 1 join succeeded.
    expect((await api<Doc>(k, `/api/v1/nodes/tokens/${t.id}`)).body.status.used).toBe(1);
  });

  it('only the kernel may call the gateway or mint the local token', async () => {
    const evil = { plugin: 'evil', version: '1.0.0' };
    // The kernel wraps a provider's error (OMEGA_ERR_PLUGIN_FAILED); the plugin's own code is inside.
    const wrapped = {
      code: 'OMEGA_ERR_PLUGIN_FAILED',
      extras: { pluginError: { code: 'OMEGA_ERR_FORBIDDEN' } },
    };
    await expect(k.call('nodes.agent-gateway', { op: 'deliver', events: [] }, evil)).rejects.toMatchObject(
      wrapped,
    );
    await expect(k.call('nodes.local-join-token', {}, evil)).rejects.toMatchObject(wrapped);
  });

  it('the local join token is single-use and short-lived', async () => {
    const { token } = (await k.call('nodes.local-join-token', {}, KERNEL)) as { token: string };
    const r = await gateway({
      op: 'join',
      token,
      name: 'kernel-host',
      publicKey: agentKey().publicKey,
      specs,
    });
    expect(r.node?.name).toBe('kernel-host');
    expect(
      (await gateway({ op: 'join', token, name: 'other', publicKey: agentKey().publicKey, specs })).refused
        ?.code,
    ).toBe('NODES_ERR_TOKEN_USED_UP');
    const id = token.split('.')[1];
    const view = await api<Doc>(k, `/api/v1/nodes/tokens/${id}`);
    const ttl = Date.parse(view.body.spec.expiresAt) - Date.parse(view.body.createdAt);
    expect(ttl).toBe(10 * 60_000);
    expect(view.body.spec.kind).toBe('local');
  });
});

describe('identify (resume)', () => {
  it('the right key resumes; another key, an unknown node and a removed node are refused', async () => {
    const t = await mint({ uses: 5 });
    const key = agentKey();
    const { node } = await gateway({
      op: 'join',
      token: t.token,
      name: 'resumer',
      publicKey: key.publicKey,
      specs,
    });
    expect(
      await gateway({ op: 'identify', node: node.id, publicKey: key.publicKey, name: 'resumer' }),
    ).toEqual({ node });
    expect(
      (await gateway({ op: 'identify', node: node.id, publicKey: agentKey().publicKey })).refused?.code,
    ).toBe('NODES_ERR_KEY_MISMATCH');
    expect((await gateway({ op: 'identify', node: 'nd-nope', publicKey: key.publicKey })).refused?.code).toBe(
      'NODES_ERR_UNKNOWN_NODE',
    );
    const removed = await api<Doc>(k, `/api/v1/nodes/${node.id}?reason=decommissioned`, {
      method: 'DELETE',
    });
    expect(removed.status).toBe(200);
    const again = await gateway({ op: 'identify', node: node.id, publicKey: key.publicKey });
    expect(again.refused?.code).toBe('NODES_ERR_NODE_REMOVED');
    // The removed key cannot come back through a join either.
    expect(
      (await gateway({ op: 'join', token: t.token, name: 'resumer', publicKey: key.publicKey, specs }))
        .refused?.code,
    ).toBe('NODES_ERR_NODE_REMOVED');
    expect((await api(k, `/api/v1/nodes/${node.id}`)).status).toBe(404);
    await new Promise((r) => setTimeout(r, 300));
    expect(k.events(['nodes.node.removed']).map((e) => (e.data as { id: string }).id)).toContain(node.id);
    const audits = k
      .events(['audit.nodes.*'])
      .map(
        (e) =>
          (e.data as { action: string; outcome: string }).action +
          ':' +
          (e.data as { outcome: string }).outcome,
      );
    expect(audits).toEqual(expect.arrayContaining(['identify:denied', 'remove:success', 'join:denied']));
  });
});
