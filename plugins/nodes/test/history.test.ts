import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  agentKey,
  api,
  type Doc,
  type NodesKernel,
  startNodesKernel,
  until,
} from './helpers/nodes-kernel.js';

/*
 * GET /api/v1/nodes/{id}/history against a real kernel: transitions made the way the kernel's
 * gateway makes them (events delivered through the agent-gateway service, the plugin's own
 * sweep timer for silence), holds through the API; read back newest first, paged, bounded.
 */

let k: NodesKernel;
const gateway = (args: unknown) => k.call('nodes.agent-gateway', args) as Promise<Doc>;
const deliver = (events: unknown[]) => gateway({ op: 'deliver', events });
const history = async (id: string, q = ''): Promise<{ status: number; body: Doc }> =>
  api<Doc>(k, `/api/v1/nodes/${id}/history${q}`);
let token: string;
let conn = 0;

const connected = (id: string, c: string) => ({
  type: 'connected',
  node: id,
  conn: c,
  at: Date.now(),
  remote: '10.203.7.31',
  agentVersion: '0.1.0',
});

/** A node joined and connected, as the kernel's gateway reports it; `conn` follows reconnects. */
async function join(name: string): Promise<{ id: string; conn: string }> {
  const { node: n } = await gateway({
    op: 'join',
    token,
    name,
    publicKey: agentKey().publicKey,
    specs: {},
    remote: '10.203.7.31',
  });
  const c = `conn-${++conn}`;
  await deliver([{ ...connected(n.id, c), name }]);
  return { id: n.id, conn: c };
}

const frame = (id: string, c: string, m: Record<string, unknown>) => ({
  type: 'message',
  node: id,
  conn: c,
  at: Date.now(),
  remote: '10.203.7.31',
  m,
});
const closed = (id: string, c: string, leave: boolean) => ({
  type: 'closed',
  node: id,
  conn: c,
  at: Date.now(),
  code: leave ? 1000 : 1006,
  reason: leave ? 'leave' : '',
  clean: leave,
  leave,
});

/** leave → left, then the agent reconnects → ready: two transitions. */
async function leaveAndReturn(a: { id: string; conn: string }, why: string): Promise<void> {
  await deliver([frame(a.id, a.conn, { k: 'leave', reason: why }), closed(a.id, a.conn, true)]);
  a.conn = `conn-${++conn}`;
  await deliver([connected(a.id, a.conn), frame(a.id, a.conn, { k: 'hb', n: 1, t: 0 })]);
}

beforeAll(async () => {
  k = await startNodesKernel();
  const put = await api(k, '/api/v1/nodes/settings', {
    method: 'PUT',
    body: { suspectAfterMs: 1_500, downAfterMs: 3_000, closedGraceMs: 1_000, historyMax: 8 },
  });
  expect(put.status).toBe(200);
  token = (await api<Doc>(k, '/api/v1/nodes/tokens', { method: 'POST', body: { uses: 20 } })).body.token;
});
afterAll(async () => {
  await k?.close();
});

describe('node history', () => {
  it('lists state and hold changes newest first, with from, reason, who and when', async () => {
    const a = await join('hist-a');
    const t0 = Date.now();
    await leaveAndReturn(a, 'SIGTERM');
    const cordon = await api(k, `/api/v1/nodes/${a.id}/cordon`, {
      method: 'POST',
      body: { reason: 'disk swap' },
    });
    expect(cordon.status).toBe(200);
    // A close without leave while healthy: suspect at once, down after closedGraceMs (the sweep).
    // (A heartbeat in the same batch: the close, not silence on a slow machine, makes it suspect.)
    await deliver([frame(a.id, a.conn, { k: 'hb', n: 2, t: 0 }), closed(a.id, a.conn, false)]);
    await until(async () => (await history(a.id)).body.items[0]?.state === 'down');

    const r = await history(a.id);
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ node: a.id, name: 'hist-a', total: 6, retained: 8 });
    expect(r.body.nextCursor).toBeUndefined();
    const items = r.body.items as Doc[];
    expect(items.map((h) => [h.n, h.from ?? null, h.state, h.hold ?? null, h.by])).toEqual([
      [6, 'suspect', 'down', null, 'nodes'],
      [5, 'ready', 'suspect', null, 'nodes'],
      [4, null, 'ready', 'cordoned', 'admin'],
      [3, 'left', 'ready', null, 'nodes'],
      [2, 'ready', 'left', null, 'nodes'],
      [1, null, 'ready', null, 'nodes'],
    ]);
    // Down by the close (closedGraceMs) or by silence (downAfterMs), whichever the sweep saw first.
    expect(items[0]?.reason).toMatch(
      /^(agent stopped responding: connection closed without leave|no heartbeat for)/,
    );
    expect(items[1]?.reason).toMatch(/^connection closed without leave at .* \(code 1006\)/);
    expect(items[2]?.reason).toBe('disk swap');
    expect(items[3]?.reason).toBe('connected from 10.203.7.31');
    expect(items[4]?.reason).toBe('left: SIGTERM');
    expect(items[5]?.reason).toMatch(/^joined with token /);
    for (const h of items) {
      expect(Date.parse(h.at)).toBeGreaterThanOrEqual(t0 - 5_000);
      expect(Date.parse(h.at)).toBeLessThanOrEqual(Date.now());
    }
    // Newest first in time too.
    const times = items.map((h) => Date.parse(h.at));
    expect([...times].sort((x, y) => y - x)).toEqual(times);
    // The node's own view shows the same current state.
    const one = (await api<Doc>(k, `/api/v1/nodes/${a.id}`)).body;
    expect(one.status.state).toBe('down');
    expect(one.status.history.at(-1).n).toBe(6);
  });

  it('pages with an opaque cursor, keeps only the newest historyMax, and a cursor survives trimming', async () => {
    const b = await join('hist-b');
    for (let i = 0; i < 4; i++) await leaveAndReturn(b, `round ${i}`);
    // 1 join + 8 changes = 9, of which the newest 8 are kept.
    const all = (await history(b.id, '?limit=200')).body;
    expect(all.total).toBe(8);
    expect((all.items as Doc[]).map((h) => h.n)).toEqual([9, 8, 7, 6, 5, 4, 3, 2]);

    const p1 = (await history(b.id, '?limit=3')).body;
    expect((p1.items as Doc[]).map((h) => h.n)).toEqual([9, 8, 7]);
    expect(typeof p1.nextCursor).toBe('string');
    // Two more changes arrive between pages: the oldest are dropped, the next page goes on from 7.
    await leaveAndReturn(b, 'between pages');
    const p2 = (await history(b.id, `?limit=3&cursor=${encodeURIComponent(p1.nextCursor)}`)).body;
    expect((p2.items as Doc[]).map((h) => h.n)).toEqual([6, 5, 4]);
    // 4 is the oldest entry kept (4–11 after the two new ones): no page after it.
    expect(p2.nextCursor).toBeUndefined();
    expect((await history(b.id)).body.items[0]).toMatchObject({ n: 11, state: 'ready', from: 'left' });
    expect((await history(b.id)).body.total).toBe(8);
  });

  it('a lower historyMax trims at the next change; bad parameters are 400s naming the field; unknown node 404', async () => {
    const c = await join('hist-c');
    await leaveAndReturn(c, 'x');
    const put = await api(k, '/api/v1/nodes/settings', { method: 'PUT', body: { historyMax: 2 } });
    expect(put.status).toBe(200);
    await deliver([frame(c.id, c.conn, { k: 'leave', reason: 'y' }), closed(c.id, c.conn, true)]);
    const h = (await history(c.id)).body;
    expect(h).toMatchObject({ total: 2, retained: 2 });
    expect((h.items as Doc[]).map((x) => [x.n, x.state])).toEqual([
      [4, 'left'],
      [3, 'ready'],
    ]);
    await api(k, '/api/v1/nodes/settings', { method: 'PUT', body: { historyMax: 8 } });

    for (const [q, field] of [
      ['?limit=0', 'limit'],
      ['?limit=201', 'limit'],
      ['?limit=x', 'limit'],
      ['?cursor=Zm9v', 'cursor'],
      [`?cursor=${'A'.repeat(40)}`, 'cursor'],
      ['?cursor=%00', 'cursor'],
    ]) {
      const r = await history(c.id, q);
      expect(r.status, q).toBe(400);
      expect(r.body.errors[0].field, q).toBe(field);
    }
    const missing = await history('nd-nosuchnode');
    expect(missing.status).toBe(404);
    expect(missing.body.code).toBe('OMEGA_ERR_NOT_FOUND');
    // By name too, like GET /nodes/{id}.
    expect((await history('hist-c')).body.node).toBe(c.id);
  });
});
