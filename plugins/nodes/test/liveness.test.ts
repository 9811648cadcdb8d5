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
 * Liveness against a real kernel: the plugin's own sweep timer (kernel-owned), events delivered
 * as the kernel's gateway delivers them (kernel clock in `at`), states and reasons read back
 * through the API, events and audit entries from the bus.
 */

let k: NodesKernel;
const gateway = (args: unknown) => k.call('nodes.agent-gateway', args) as Promise<Doc>;
const deliver = (events: unknown[]) => gateway({ op: 'deliver', events });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const node = async (id: string): Promise<Doc> => (await api<Doc>(k, `/api/v1/nodes/${id}`)).body;
let token: string;
let conn = 0;

async function join(name: string): Promise<{ id: string; conn: string }> {
  const { node: n } = await gateway({
    op: 'join',
    token,
    name,
    publicKey: agentKey().publicKey,
    specs: {},
    remote: '10.203.7.12',
  });
  const c = `conn-${++conn}`;
  await deliver([
    {
      type: 'connected',
      node: n.id,
      conn: c,
      at: Date.now(),
      remote: '10.203.7.12',
      name,
      agentVersion: '0.1.0',
    },
  ]);
  return { id: n.id, conn: c };
}

const hb = (id: string, c: string, n: number, load?: unknown) => ({
  type: 'message',
  node: id,
  conn: c,
  at: Date.now(),
  remote: '10.203.7.12',
  m: { k: 'hb', n, t: 0, ...(load ? { load } : {}) },
});

beforeAll(async () => {
  k = await startNodesKernel();
  const put = await api(k, '/api/v1/nodes/settings', {
    method: 'PUT',
    body: { suspectAfterMs: 1_500, downAfterMs: 3_000, closedGraceMs: 1_000, loadPublishMs: 1_000 },
  });
  expect(put.status).toBe(200);
  token = (await api<Doc>(k, '/api/v1/nodes/tokens', { method: 'POST', body: { uses: 100 } })).body.token;
});
afterAll(async () => {
  await k?.close();
});

describe('liveness (kernel clock, sweep timer)', () => {
  it('heartbeats keep a node ready and carry its load; silence → suspect → down with when and where', async () => {
    const { id, conn: c } = await join('quiet');
    const load = {
      cpu: 0.4567,
      load1: 1.234,
      memUsed: 1_000_000.4,
      memTotal: 4_000_000,
      gpus: [{ index: 0, util: 0.5 }],
    };
    // The kernel's `at` of the newest heartbeat: silence is counted from it.
    let lastHb = 0;
    for (let i = 1; i <= 4; i++) {
      if (i > 1) await new Promise((r) => setTimeout(r, 300));
      const beat = hb(id, c, i, load);
      lastHb = beat.at;
      await deliver([beat]);
    }
    const live = await node(id);
    expect(live.status.state).toBe('ready');
    expect(live.status.connected).toBe(true);
    expect(live.status.load).toEqual({
      cpu: 0.457,
      load1: 1.23,
      memUsed: 1_000_000,
      memTotal: 4_000_000,
      gpus: [{ index: 0, util: 0.5 }],
    });
    const down = await until(async () => {
      const n = await node(id);
      return n.status.state === 'down' && n;
    });
    expect(down.status.reason).toMatch(
      /^no heartbeat for [34] s, last from 10\.203\.7\.12 at \d\d:\d\d:\d\d UTC$/,
    );
    const states = down.status.history.map((h: Doc) => h.state);
    // Suspect first — unless the sweep due at suspect-at ran past down-at (1.5 s late here; 20 s
    // with the default bounds), when one sweep judges a ready node down (judge-liveness.unit.test.ts):
    // a CI machine under load did that once.
    const viaSuspect = states.at(-2) === 'suspect';
    expect(states.slice(viaSuspect ? -3 : -2)).toEqual(
      viaSuspect ? ['ready', 'suspect', 'down'] : ['ready', 'down'],
    );
    if (viaSuspect) {
      const suspect = down.status.history.at(-2);
      expect(suspect.reason).toMatch(/^missed heartbeats: none for \d s/);
      // Never earlier than the bounds allow (judged on the kernel's clock).
      expect(Date.parse(suspect.at) - lastHb).toBeGreaterThanOrEqual(1_500);
    }
    expect(Date.parse(down.status.since) - lastHb).toBeGreaterThanOrEqual(3_000);
    // And back on the next heartbeat.
    await deliver([hb(id, c, 5)]);
    const back = await node(id);
    expect(back.status.state).toBe('ready');
    expect(back.status.reason).toMatch(/^heartbeats resumed from 10\.203\.7\.12 after \d s of silence$/);
    const topics = k
      .events(['nodes.node.*'])
      .filter((e) => (e.data as Doc).id === id)
      .map((e) => e.topic);
    const path = viaSuspect ? ['suspect', 'down', 'ready'] : ['down', 'ready'];
    expect(topics).toEqual(['nodes.node.joined', ...path.map((to) => `nodes.node.${to}`)]);
    const audited = k.events(['audit.nodes.state']).filter((e) => (e.data as Doc).target === id);
    expect(audited.map((e) => (e.data as Doc).details.to)).toEqual(path);
  });

  it('the agent clock is ignored: a heartbeat claiming an old time still counts by its arrival', async () => {
    const { id, conn: c } = await join('skewed');
    for (let i = 1; i <= 8; i++) {
      await deliver([{ ...hb(id, c, i), m: { k: 'hb', n: i, t: 0 } }]);
      await new Promise((r) => setTimeout(r, 400));
    }
    expect((await node(id)).status.state).toBe('ready');
  });

  it('SIGKILL-like close (no leave) → suspect, then down "agent stopped responding"; leave → left', async () => {
    const a = await join('killed');
    await deliver([hb(a.id, a.conn, 1)]);
    await deliver([
      {
        type: 'closed',
        node: a.id,
        conn: a.conn,
        at: Date.now(),
        code: 1006,
        reason: '',
        clean: false,
        leave: false,
      },
    ]);
    expect((await node(a.id)).status.state).toBe('suspect');
    const down = await until(async () => {
      const n = await node(a.id);
      return n.status.state === 'down' && n;
    });
    expect(down.status.reason).toMatch(
      /^agent stopped responding: connection closed without leave at .* \(code 1006\) and no reconnect within 1 s$/,
    );

    const b = await join('stopped');
    await deliver([
      { ...hb(b.id, b.conn, 1), m: { k: 'leave', reason: 'SIGTERM' } },
      {
        type: 'closed',
        node: b.id,
        conn: b.conn,
        at: Date.now(),
        code: 1000,
        reason: 'leave',
        clean: true,
        leave: true,
      },
    ]);
    const left = await node(b.id);
    expect(left.status).toMatchObject({ state: 'left', reason: 'left: SIGTERM', connected: false });
    await new Promise((r) => setTimeout(r, 3_500));
    expect((await node(b.id)).status.state).toBe('left');
  });

  it('a cut link: silent(unacked) → unreachable; the old socket closing later does not change the reason; a reconnect heals', async () => {
    const a = await join('cut');
    await deliver([hb(a.id, a.conn, 1)]);
    await deliver([
      { type: 'silent', node: a.id, conn: a.conn, at: Date.now() + 500, ms: 1_000, transport: 'unacked' },
    ]);
    const down = await until(async () => {
      const n = await node(a.id);
      return n.status.state === 'down' && n;
    });
    expect(down.status.reason).toMatch(
      /^unreachable: no heartbeat for \d s and the kernel's data to 10\.203\.7\.12 is not acknowledged/,
    );
    await deliver([
      {
        type: 'closed',
        node: a.id,
        conn: a.conn,
        at: Date.now(),
        code: 1006,
        reason: '',
        clean: false,
        leave: false,
      },
    ]);
    expect((await node(a.id)).status.reason).toBe(down.status.reason);
    await deliver([
      { type: 'connected', node: a.id, conn: 'conn-healed', at: Date.now(), remote: '10.203.7.12' },
    ]);
    expect((await node(a.id)).status).toMatchObject({
      state: 'ready',
      reason: 'connected from 10.203.7.12',
      connected: true,
    });

    const h = await join('hung');
    await deliver([
      { type: 'silent', node: h.id, conn: h.conn, at: Date.now(), ms: 1_000, transport: 'acked' },
    ]);
    const hung = await until(async () => {
      const n = await node(h.id);
      return n.status.state === 'down' && n;
    });
    expect(hung.status.reason).toMatch(
      /^agent hung: its machine acknowledges but the agent has not answered for \d s/,
    );
  });

  it('loads are published in batches on nodes.load; reports on nodes.agent.report', async () => {
    const a = await join('loaded');
    await deliver([
      hb(a.id, a.conn, 1, { cpu: 0.25, memUsed: 10, memTotal: 100 }),
      hb(a.id, a.conn, 2, { cpu: 0.5 }),
    ]);
    const batch = await until(() =>
      k.events(['nodes.load']).find((e) => (e.data as Doc).nodes.some((n: Doc) => n.id === a.id)),
    );
    const entries = (batch.data as Doc).nodes.filter((n: Doc) => n.id === a.id);
    expect(entries).toEqual([{ id: a.id, name: 'loaded', load: { cpu: 0.5 } }]);
    await deliver([
      {
        ...hb(a.id, a.conn, 3),
        m: { k: 'report', topic: 'session.ended', data: { session: 's1', exit: 0 } },
      },
    ]);
    const report = await until(() =>
      k.events(['nodes.agent.report']).find((e) => (e.data as Doc).node === a.id),
    );
    expect(report.data).toEqual({ node: a.id, topic: 'session.ended', data: { session: 's1', exit: 0 } });
  });

  // Older notes: the nodes plugin kept an agent's cgroup report and specs raw (a terminal escape
  // or a line break in its words reached the dashboard, the sinks and --json readers); the CLI
  // only flattened them when printing.
  it("an agent's cgroup report and specs are kept and passed on without control characters", async () => {
    const a = await join('words');
    const ESC = 'v2 \u001b]52;c;ZWNobw==\u0007\r\nFAKE';
    await deliver([
      {
        ...hb(a.id, a.conn, 1),
        m: { k: 'report', topic: 'cgroup', data: { mode: ESC, notes: [ESC], [ESC]: 1 } },
      },
      { ...hb(a.id, a.conn, 2), m: { k: 'specs', specs: { hostname: ESC, cgroup: { mode: ESC } } } },
    ]);
    const clean = 'v2  ]52;c;ZWNobw== FAKE'; // each run of controls is one space
    const report = await until(() =>
      k.events(['nodes.agent.report']).find((e) => (e.data as Doc).node === a.id),
    );
    expect(report.data).toEqual({
      node: a.id,
      topic: 'cgroup',
      data: { mode: clean, notes: [clean], [clean]: 1 },
    });
    const shown = await until(async () => {
      const n = await api<Doc>(k, `/api/v1/nodes/${a.id}`);
      return n.body.status.specs?.hostname === undefined ? undefined : n.body;
    });
    expect(shown.status.specs.hostname).toBe(clean);
    expect(shown.status.cgroup).toEqual({ mode: clean });
    // (JSON escapes C0 controls, so the text is checked for their escapes and for raw C1)
    expect(JSON.stringify(shown)).not.toMatch(/\\u00[01][0-9a-f]|[\x7f-\x9f]/);
  });

  it('malformed events and events for unknown nodes are skipped, the rest of the batch applies', async () => {
    const a = await join('batch');
    await deliver([
      { type: 'nonsense', node: a.id },
      { type: 'message', node: a.id, conn: a.conn, at: 'yesterday', m: { k: 'hb', n: 1 } },
      hb('nd-unknown', 'x', 1),
      { ...hb(a.id, a.conn, 1), m: { k: 'hb', n: 1, load: { cpu: -1, load1: 'x', memUsed: 5 } } },
    ]);
    const n = await node(a.id);
    expect(n.status.load).toEqual({ memUsed: 5 });
    const stats = (await api<Doc>(k, '/api/v1/nodes/settings')).body.status.gateway;
    expect(stats.malformed).toBeGreaterThanOrEqual(2);
    expect(stats.unknownNode).toBeGreaterThanOrEqual(1);
  });

  it('what the kernel dropped or still holds is no silence: told-alive nodes stay ready; silence counts once the kernel caught up', async () => {
    const a = await join('dropped-by-kernel');
    const b = await join('heard');
    // 4.5 s (past downAfterMs 3 s): the kernel delivers b's heartbeats and says it dropped a's.
    let n = 0;
    for (const end = Date.now() + 4_500; Date.now() < end; ) {
      await gateway({
        op: 'deliver',
        events: [hb(b.id, b.conn, ++n)],
        complete: Date.now(),
        alive: [[a.id, Date.now()]],
      });
      await sleep(300);
    }
    expect((await node(a.id)).status.state).toBe('ready');
    // The kernel is 60 s behind: nothing it holds is silence, so a stays ready while nothing comes.
    await gateway({ op: 'deliver', events: [], complete: Date.now() - 60_000 });
    await sleep(4_000);
    const held = await node(a.id);
    expect(held.status.state).toBe('ready');
    expect(held.status.history.map((h: Doc) => h.state)).not.toContain('suspect');
    const settings = (await api<Doc>(k, '/api/v1/nodes/settings')).body.status.gateway;
    expect(settings.droppedByKernel).toBeGreaterThanOrEqual(10);
    expect(settings.kernelLagMaxMs).toBeGreaterThanOrEqual(59_000);
    // Caught up: a has really been silent 4 s now — judged down by the next sweeps.
    await gateway({ op: 'deliver', events: [], complete: Date.now() });
    const down = await until(async () => {
      const d = await node(a.id);
      return d.status.state === 'down' ? d : undefined;
    }, 10_000);
    expect(down.status.reason).toMatch(/^no heartbeat for \d+(\.\d+)? s/);
  });
});
