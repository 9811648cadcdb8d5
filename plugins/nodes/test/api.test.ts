import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { agentKey, api, type Doc, type NodesKernel, startNodesKernel } from './helpers/nodes-kernel.js';

/* The nodes API against a real kernel: filters, paging, labels, cordon/drain, settings, RBAC-visible shapes. */

let k: NodesKernel;
const gateway = (args: unknown) => k.call('nodes.agent-gateway', args) as Promise<Doc>;
const ids: Record<string, string> = {};

beforeAll(async () => {
  k = await startNodesKernel();
  const token = (
    await api<Doc>(k, '/api/v1/nodes/tokens', {
      method: 'POST',
      body: { uses: 50, labels: { pool: 'batch' } },
    })
  ).body.token;
  for (const [i, name] of ['alpha', 'bravo', 'charlie', 'delta', 'echo'].entries()) {
    const r = await gateway({
      op: 'join',
      token,
      name,
      publicKey: agentKey().publicKey,
      specs: {},
      remote: `10.203.7.${20 + i}`,
    });
    ids[name] = r.node.id;
  }
  await api(k, `/api/v1/nodes/${ids.bravo}`, { method: 'PATCH', body: { labels: { rack: 'a', gpu: '' } } });
  await api(k, `/api/v1/nodes/${ids.charlie}`, { method: 'PATCH', body: { labels: { rack: 'b' } } });
});
afterAll(async () => {
  await k?.close();
});

const names = (b: Doc) => b.items.map((n: Doc) => n.name);

describe('list', () => {
  it('filters by state, label selector and text; pages with an opaque cursor', async () => {
    expect(names((await api<Doc>(k, '/api/v1/nodes')).body)).toEqual([
      'alpha',
      'bravo',
      'charlie',
      'delta',
      'echo',
    ]);
    expect(names((await api<Doc>(k, '/api/v1/nodes?selector=rack=a')).body)).toEqual(['bravo']);
    expect(names((await api<Doc>(k, '/api/v1/nodes?selector=rack,rack!=a')).body)).toEqual(['charlie']);
    expect(names((await api<Doc>(k, '/api/v1/nodes?selector=!rack,pool=batch')).body)).toEqual([
      'alpha',
      'delta',
      'echo',
    ]);
    expect(names((await api<Doc>(k, '/api/v1/nodes?q=10.203.7.23')).body)).toEqual(['delta']);
    expect(names((await api<Doc>(k, '/api/v1/nodes?q=CHAR')).body)).toEqual(['charlie']);
    expect(names((await api<Doc>(k, '/api/v1/nodes?state=down')).body)).toEqual([]);
    const p1 = (await api<Doc>(k, '/api/v1/nodes?limit=2')).body;
    expect(names(p1)).toEqual(['alpha', 'bravo']);
    expect(p1.total).toBe(5);
    const p2 = (await api<Doc>(k, `/api/v1/nodes?limit=2&cursor=${p1.nextCursor}`)).body;
    expect(names(p2)).toEqual(['charlie', 'delta']);
    const p3 = (await api<Doc>(k, `/api/v1/nodes?limit=2&cursor=${p2.nextCursor}`)).body;
    expect(names(p3)).toEqual(['echo']);
    expect(p3.nextCursor).toBeUndefined();
  });

  it('bad parameters are 400s naming the field', async () => {
    for (const [q, field] of [
      ['state=sleepy', 'state'],
      ['selector=bad key', 'selector'],
      ['selector=rack=a,rack=b', 'selector'],
      ['limit=0', 'limit'],
      ['limit=abc', 'limit'],
      ['cursor=%00%01', 'cursor'],
      ['cursor=Zm9v', 'cursor'],
    ]) {
      const r = await api<Doc>(k, `/api/v1/nodes?${q}`);
      expect(r.status, q).toBe(400);
      expect(r.body.errors[0].field).toBe(field);
    }
  });

  it('one node: 404 with a problem for an unknown id; literal routes are not taken for ids', async () => {
    const r = await api<Doc>(k, '/api/v1/nodes/nd-unknown');
    expect(r.status).toBe(404);
    expect(r.body.code).toBe('OMEGA_ERR_NOT_FOUND');
    expect((await api<Doc>(k, '/api/v1/nodes/tokens')).body.items).toBeInstanceOf(Array);
    expect((await api<Doc>(k, '/api/v1/nodes/settings')).body.id).toBe('liveness');
  });
});

describe('labels, cordon, drain', () => {
  it('PATCH labels is a merge patch with a version: a stale write is a 409', async () => {
    const n = (await api<Doc>(k, `/api/v1/nodes/${ids.delta}`)).body;
    const ok = await api<Doc>(k, `/api/v1/nodes/${ids.delta}`, {
      method: 'PATCH',
      body: { version: n.version, labels: { zone: 'eu-1', pool: null } },
    });
    expect(ok.status).toBe(200);
    expect(ok.body.spec.labels).toEqual({ zone: 'eu-1' });
    expect(ok.body.version).toBe(n.version + 1);
    const stale = await api<Doc>(k, `/api/v1/nodes/${ids.delta}`, {
      method: 'PATCH',
      body: { version: n.version, labels: { x: 'y' } },
    });
    expect(stale.status).toBe(409);
    expect(stale.body.code).toBe('OMEGA_ERR_CONFLICT');
    // The sdk's version conflict, naming the node: the current version to read again.
    expect(stale.body.version).toBe(n.version + 1);
    expect(stale.body.detail).toBe(
      `Node ${ids.delta} is at version ${n.version + 1}, not ${n.version}: read it again and retry.`,
    );
    const bad = await api<Doc>(k, `/api/v1/nodes/${ids.delta}`, {
      method: 'PATCH',
      body: { labels: { 'no spaces': 'x' } },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].field).toBe('labels.no spaces');
    // A bad value is refused once, with what a value may be (walk: three validator lines —
    // "must match pattern; must be null; must match a schema in anyOf").
    const badValue = await api<Doc>(k, `/api/v1/nodes/${ids.delta}`, {
      method: 'PATCH',
      body: { labels: { a: '1,a=2' } },
    });
    expect(badValue.status).toBe(400);
    expect(badValue.body.errors).toEqual([
      {
        field: 'labels.a',
        message: 'must be: a label value (≤ 63 of letters, digits, . _ -), or null to remove it',
      },
    ]);
    const other = await api<Doc>(k, `/api/v1/nodes/${ids.delta}`, {
      method: 'PATCH',
      body: { name: 'renamed' },
    });
    // The kernel checks the body against the route's schema: it names every bad field (labels is required too).
    expect(other.status).toBe(400);
    expect(other.body.errors.map((e: Doc) => e.field)).toContain('name');
  });

  it('cordon / drain / uncordon need a reason, show in the list and the audit trail', async () => {
    const noReason = await api<Doc>(k, `/api/v1/nodes/${ids.echo}/drain`, { method: 'POST', body: {} });
    expect(noReason.status).toBe(400);
    expect(noReason.body.errors[0].field).toBe('reason');
    const past = await api<Doc>(k, `/api/v1/nodes/${ids.echo}/drain`, {
      method: 'POST',
      body: { reason: 'x', deadline: '2000-01-01T00:00:00Z' },
    });
    expect(past.body.errors[0].field).toBe('deadline');
    const deadline = new Date(Date.now() + 3_600_000).toISOString();
    const drained = await api<Doc>(k, `/api/v1/nodes/${ids.echo}/drain`, {
      method: 'POST',
      body: { reason: 'disk replacement', deadline },
    });
    expect(drained.status).toBe(200);
    expect(drained.body.spec.drain).toMatchObject({ by: 'admin', reason: 'disk replacement', deadline });
    expect(drained.body.status).toMatchObject({
      schedulable: false,
      draining: true,
      cordoned: true,
      state: 'ready',
    });
    expect(names((await api<Doc>(k, '/api/v1/nodes?state=draining')).body)).toEqual(['echo']);
    expect(names((await api<Doc>(k, '/api/v1/nodes?state=schedulable')).body)).not.toContain('echo');
    await api(k, `/api/v1/nodes/${ids.alpha}/cordon`, { method: 'POST', body: { reason: 'flaky fan' } });
    expect(names((await api<Doc>(k, '/api/v1/nodes?state=cordoned')).body)).toEqual(['alpha', 'echo']);
    const un = await api<Doc>(k, `/api/v1/nodes/${ids.echo}/uncordon`, {
      method: 'POST',
      body: { reason: 'disk replaced' },
    });
    expect(un.body.status.schedulable).toBe(true);
    const again = await api<Doc>(k, `/api/v1/nodes/${ids.echo}/uncordon`, {
      method: 'POST',
      body: { reason: 'again' },
    });
    expect(again.status).toBe(409);
    await new Promise((r) => setTimeout(r, 300));
    const drainEvent = k.events(['nodes.node.draining']).find((e) => (e.data as Doc).id === ids.echo);
    expect((drainEvent?.data as Doc | undefined)?.hold).toMatchObject({
      reason: 'disk replacement',
      deadline,
    });
    const audit = k.events(['audit.nodes.drain']).map((e) => e.data as Doc);
    expect(audit).toEqual([
      expect.objectContaining({ actor: 'admin', action: 'drain', outcome: 'success', target: ids.echo }),
    ]);
    expect(audit[0]?.details.reason).toBe('disk replacement');
  });
});

describe('settings', () => {
  it('validates bounds and their order, and versions the document', async () => {
    const s = (await api<Doc>(k, '/api/v1/nodes/settings')).body;
    expect(s.spec).toEqual(s.status.defaults);
    const bad = await api<Doc>(k, '/api/v1/nodes/settings', {
      method: 'PUT',
      body: { suspectAfterMs: 50_000 },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].field).toBe('downAfterMs');
    const ok = await api<Doc>(k, '/api/v1/nodes/settings', {
      method: 'PUT',
      body: { version: s.version, downAfterMs: 60_000 },
    });
    expect(ok.body.spec.downAfterMs).toBe(60_000);
    const stale = await api<Doc>(k, '/api/v1/nodes/settings', {
      method: 'PUT',
      body: { version: s.version, downAfterMs: 70_000 },
    });
    expect(stale.status).toBe(409);
  });
});

describe('services for other plugins', () => {
  const sessions = { plugin: 'sessions', version: '0.1.0' };
  it('nodes.registry filters like the list and says what is schedulable', async () => {
    const all = (await k.call('nodes.registry', {}, sessions)) as { nodes: Doc[] };
    expect(all.nodes.map((n) => n.name)).toEqual(['alpha', 'bravo', 'charlie', 'delta', 'echo']);
    const sched = (await k.call('nodes.registry', { state: 'schedulable', selector: 'rack' }, sessions)) as {
      nodes: Doc[];
    };
    expect(sched.nodes.map((n) => n.name)).toEqual(['bravo', 'charlie']);
    expect(sched.nodes[0]).toMatchObject({
      state: 'ready',
      schedulable: true,
      cordoned: false,
      capacity: { gpus: [] },
    });
    const byId = (await k.call('nodes.registry', { ids: [ids.alpha] }, sessions)) as { nodes: Doc[] };
    expect(byId.nodes.map((n) => n.name)).toEqual(['alpha']);
    await expect(k.call('nodes.registry', { state: 'sleepy' }, sessions)).rejects.toMatchObject({
      extras: { pluginError: { code: 'OMEGA_ERR_VALIDATION' } },
    });
  });

  it('nodes.command: unknown node → NOT_FOUND; bad input named; no gateway session → UNAVAILABLE', async () => {
    const err = (args: unknown) =>
      k.call('nodes.command', args, sessions).then(
        () => undefined,
        (e: Doc) => e.extras?.pluginError?.code,
      );
    expect(await err({ node: 'nd-nope', id: 'c1', op: 'ping' })).toBe('OMEGA_ERR_NOT_FOUND');
    expect(await err({ node: 'alpha', id: 'has space', op: 'ping' })).toBe('OMEGA_ERR_VALIDATION');
    expect(await err({ node: 'alpha', id: 'c1', op: 'ping', timeoutMs: 999_999 })).toBe(
      'OMEGA_ERR_VALIDATION',
    );
    expect(await err({ node: 'alpha', id: 'c1', op: 'ping' })).toBe('OMEGA_ERR_UNAVAILABLE');
  });
});

describe('discovery decisions', () => {
  it('pending lists what the kernel discovered; approve and reject refuse an agent that is not announcing, minting nothing', async () => {
    // This kernel browses no LAN (agents.discovery is off): nothing is pending.
    const pending = await api<Doc>(k, '/api/v1/nodes/pending');
    expect(pending.status).toBe(200);
    expect(pending.body.items).toEqual([]);
    const tokensBefore = (await api<Doc>(k, '/api/v1/nodes/tokens')).body.items.length;
    const fp = agentKey().publicKey; // 43 base64url characters, like a fingerprint
    const approve = await api<Doc>(k, `/api/v1/nodes/pending/${fp}/approve`, { method: 'POST', body: {} });
    expect(approve.status).toBe(404);
    expect(approve.body.code).toBe('OMEGA_ERR_NOT_FOUND');
    expect(approve.body.detail).toContain('is announcing itself now');
    const garbage = await api<Doc>(k, '/api/v1/nodes/pending/not-a-fingerprint/approve', {
      method: 'POST',
      body: {},
    });
    expect(garbage.status).toBe(404);
    const badLabels = await api<Doc>(k, `/api/v1/nodes/pending/${fp}/approve`, {
      method: 'POST',
      body: { labels: { 'bad key': 'x' } },
    });
    expect(badLabels.status).toBe(400);
    expect(badLabels.body.errors[0].field).toMatch(/^labels/);
    const noReason = await api<Doc>(k, `/api/v1/nodes/pending/${fp}/reject`, { method: 'POST', body: {} });
    expect(noReason.status).toBe(400);
    expect(noReason.body.errors[0].field).toBe('reason');
    const reject = await api<Doc>(k, `/api/v1/nodes/pending/${fp}/reject`, {
      method: 'POST',
      body: { reason: 'not ours' },
    });
    expect(reject.status).toBe(404);
    // No approval token was minted for an agent that is not there.
    expect((await api<Doc>(k, '/api/v1/nodes/tokens')).body.items).toHaveLength(tokensBefore);
  });
});
