import { afterAll, describe, expect, it } from 'vitest';
import { api, type Doc, type NodesKernel, until } from '../../plugins/nodes/test/helpers/nodes-kernel.js';
import { useNetnsLab } from '../substrate/use-netns-lab.js';
import {
  BOUNDS,
  disposeLabAgents,
  type LabAgent,
  labAgent,
  nodeView,
  startLabKernel,
  stateEvents,
  waitState,
} from './helpers/cluster.js';

/**
 * The end-to-end suite on real hosts: three network namespaces on one bridge, the kernel
 * on the bridge address, three real omega-agent processes. Heartbeat 1 s, suspect after 4 s of
 * silence, down after 8 s, 3 s for a closed connection to come back.
 */
describe('nodes on network namespaces: join, cut, kill, stop, hang, heal, degrade, drain', () => {
  let k: NodesKernel | undefined;
  const agents: LabAgent[] = [];
  const byName = (n: string) => agents.find((a) => a.name === n)!;
  const useLab = useNetnsLab({
    hosts: 3,
    onReady: async (lab) => {
      k = await startLabKernel(lab);
    },
  });
  afterAll(async () => {
    await disposeLabAgents(agents);
    await k?.close();
  }, 60_000);
  const ready = (ctx: Parameters<typeof useLab>[0]) => {
    const l = useLab(ctx);
    if (!k) throw new Error('the kernel did not start');
    return { lab: l, k };
  };

  it('3 agents in 3 namespaces join with one token, each from its own address', async (ctx) => {
    const { lab, k } = ready(ctx);
    const minted = await api<Doc>(k, '/api/v1/nodes/tokens', {
      method: 'POST',
      body: { ttl: '10m', uses: 3, labels: { rack: 'a' } },
    });
    expect(minted.status).toBe(201);
    lab.hosts.forEach((host, i) => {
      agents.push(
        labAgent(lab, k, host, `n${i + 1}`, {
          token: minted.body.token,
          capacity: { cores: i + 1, memoryBytes: (i + 1) * 2 ** 30 },
        }),
      );
    });
    for (const [i, a] of agents.entries()) {
      await waitState(k, a.name, 'ready');
      const v = await until(async () => {
        const n = await nodeView(k, a.name);
        return n.status.specs ? n : undefined;
      }, 20_000);
      expect(v.status.address).toBe(a.host.address);
      expect(v.status.capacity.cores).toBe(i + 1);
      expect(v.status.capacity.memoryBytes).toBe((i + 1) * 2 ** 30);
      expect(v.spec.labels).toEqual({ rack: 'a' });
      expect(v.status.specs.hostname).toBe(a.host.name);
    }
    for (const a of agents) await a.proc.waitLog((r) => r.msg === 'joined', 30_000);
    const tokens = await api<Doc>(k, '/api/v1/nodes/tokens');
    expect(JSON.stringify(tokens.body)).not.toContain(minted.body.token);
  }, 90_000);

  it('a cut link is silence: suspect, then down with the reason, within the configured bounds', async (ctx) => {
    const { lab, k } = ready(ctx);
    const a = byName('n1');
    const before = stateEvents(k, 'n1').length;
    const cutAt = Date.now();
    await lab.cut(a.host);
    const down = await waitState(k, 'n1', 'down', 60_000);
    const changes = stateEvents(k, 'n1').slice(before);
    const suspect = changes.find((c) => c.state === 'suspect')!;
    const downAt = changes.find((c) => c.state === 'down')!.at;
    expect(suspect.reason).toMatch(/^missed heartbeats: none for \d+ s, last from 10\.203\.\d+\.11 at/);
    expect(down.status.reason).toMatch(/^(unreachable|no heartbeat for)/);
    expect(down.status.reason).toContain(a.host.address);
    // Judged on the kernel's clock from the last heartbeat (at most one heartbeat before the cut).
    expect(suspect.at - cutAt).toBeGreaterThanOrEqual(BOUNDS.suspectAfterMs - 1.2 * BOUNDS.heartbeatMs);
    expect(downAt - cutAt).toBeGreaterThanOrEqual(BOUNDS.downAfterMs - 1.2 * BOUNDS.heartbeatMs);
    expect(downAt).toBeGreaterThan(suspect.at);
    // The agent noticed the silence on its own and is trying again (a cut link is no error).
    await a.proc.waitLog((r) => r.msg === 'the kernel is silent; reconnecting', 30_000);
  }, 90_000);

  it('heal → ready again without a new token (the same node, resumed)', async (ctx) => {
    const { lab, k } = ready(ctx);
    const a = byName('n1');
    const id = (await nodeView(k, 'n1')).id;
    await lab.heal(a.host);
    const v = await waitState(k, 'n1', 'ready', 90_000);
    expect(v.id).toBe(id);
    expect(v.status.reason, JSON.stringify(stateEvents(k, 'n1'))).toMatch(/^(heartbeats resumed|connected)/);
    // The kernel marks the node ready on the agent's hello; the agent logs 'connected' only once
    // the kernel's welcome has come back, which can be just after the state change is visible.
    await a.proc.waitLog((r) => r.msg === 'connected', 30_000);
    expect(a.proc.logs.filter((r) => r.msg === 'joined')).toHaveLength(1);
  }, 120_000);

  it('SIGKILL → down "agent stopped responding"; SIGTERM → left; both come back without a token', async (ctx) => {
    const { k } = ready(ctx);
    const killed = byName('n2');
    killed.proc.kill('SIGKILL');
    const down = await waitState(k, 'n2', 'down', 30_000);
    expect(down.status.reason).toMatch(/^agent stopped responding: connection closed without leave/);
    const stopped = byName('n3');
    stopped.proc.kill('SIGTERM');
    expect(await stopped.proc.exited).toEqual({ code: 0, signal: null });
    const left = await waitState(k, 'n3', 'left', 15_000);
    expect(left.status.reason).toMatch(/^left: SIGTERM/);
    killed.restart();
    stopped.restart();
    await waitState(k, 'n2', 'ready', 60_000);
    await waitState(k, 'n3', 'ready', 60_000);
  }, 150_000);

  it('SIGSTOP → down with the hung-agent reason (its machine still acknowledges TCP); SIGCONT → ready', async (ctx) => {
    const { k } = ready(ctx);
    const a = byName('n2');
    await waitState(k, 'n2', 'ready', 30_000);
    process.kill(a.proc.pid, 'SIGSTOP');
    try {
      const down = await waitState(k, 'n2', 'down', 60_000);
      expect(down.status.reason).toMatch(/^agent hung: its machine acknowledges/);
    } finally {
      process.kill(a.proc.pid, 'SIGCONT');
    }
    await waitState(k, 'n2', 'ready', 60_000);
  }, 150_000);

  it('a degraded link (delay and loss): late heartbeats are tolerated, no flapping', async (ctx) => {
    const { lab, k } = ready(ctx);
    const a = byName('n3');
    await waitState(k, 'n3', 'ready', 30_000);
    const before = stateEvents(k, 'n3').length;
    const seenBefore = Date.parse((await nodeView(k, 'n3')).status.lastSeenAt);
    const undo = await lab.degrade(a.host, { lossPercent: 10, delayMs: 120, jitterMs: 60 });
    try {
      await new Promise((r) => setTimeout(r, 20_000));
    } finally {
      await undo();
    }
    const v = await nodeView(k, 'n3');
    expect(stateEvents(k, 'n3').slice(before)).toEqual([]);
    expect(v.status.state).toBe('ready');
    expect(Date.parse(v.status.lastSeenAt)).toBeGreaterThan(seenBefore + 15_000);
  }, 90_000);

  it('drain with a reason shows in the list and is audited', async (ctx) => {
    const { k } = ready(ctx);
    const r = await api<Doc>(k, '/api/v1/nodes/n1/drain', {
      method: 'POST',
      body: { reason: 'replace disk 3' },
    });
    expect(r.status).toBe(200);
    const list = await api<Doc>(k, '/api/v1/nodes');
    const n1 = (list.body.items as Doc[]).find((n) => n.name === 'n1')!;
    expect(n1.status.draining).toBe(true);
    expect(n1.status.schedulable).toBe(false);
    expect(JSON.stringify(n1)).toContain('replace disk 3');
    const audit = await until(
      () => k.events(['audit.nodes.**']).find((e) => (e.data as Doc).action === 'drain'),
      10_000,
    );
    expect(audit.data).toMatchObject({ action: 'drain', outcome: 'success' });
    expect(JSON.stringify(audit.data)).toContain('replace disk 3');
  }, 60_000);
});
