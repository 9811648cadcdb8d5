import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  api,
  type Doc,
  type NodesKernel,
  startNodesKernel,
  until,
} from '../../plugins/nodes/test/helpers/nodes-kernel.js';
import { type AgentProcess, startAgent } from '../nodes/helpers/agent-process.js';
import type { LabHost, NetnsLab } from '../substrate/netns.js';
import { useNetnsLab } from '../substrate/use-netns-lab.js';

const RESOURCES_DIR = join(import.meta.dirname, '..', '..', 'plugins', 'resources');
/** Quality grades, best first. */
const GRADES = ['good', 'degraded', 'bad', 'unreachable'];
/** The probe as this suite runs it: a round a second, 5 probes per peer, figures over 15 s. */
const PROBE = { intervalMs: 1000, packets: 5, spacingMs: 50, timeoutMs: 600, windowMs: 15_000 };

/**
 * The latency matrix on real links: three network namespaces on one bridge (tests/substrate),
 * the kernel on the bridge address with the nodes and resources plugins, a real omega-agent in
 * each namespace probing the others over UDP and the kernel over TCP. A link with added delay
 * and loss shows in the matrix with that magnitude; a cut link shows loss 100 % and the node
 * unreachable.
 */
describe('latency matrix on network namespaces: delay, loss, a cut link', () => {
  let k: NodesKernel | undefined;
  const agents: Array<{ name: string; host: LabHost; dir: string; proc: AgentProcess }> = [];
  const useLab = useNetnsLab({
    hosts: 3,
    onReady: async (lab) => {
      k = await startNodesKernel({ with: [RESOURCES_DIR], config: { host: lab.bridgeAddress } });
      const settings = await api<Doc>(k, '/api/v1/resources/settings');
      const put = await api<Doc>(k, '/api/v1/resources/settings', {
        method: 'PUT',
        body: { probe: PROBE, version: settings.body.version },
      });
      if (put.status !== 200) throw new Error(`probe settings refused: ${JSON.stringify(put.body)}`);
    },
  });
  afterAll(async () => {
    for (const a of agents) a.proc.kill('SIGKILL');
    await k?.close();
    for (const a of agents) rmSync(a.dir, { recursive: true, force: true });
  }, 60_000);
  const ready = (ctx: Parameters<typeof useLab>[0]): { lab: NetnsLab; k: NodesKernel } => {
    const lab = useLab(ctx);
    if (!k) throw new Error('the kernel did not start');
    return { lab, k };
  };
  const ids = new Map<string, string>();
  /** The newest cell from → to (by node name; `kernel` for the kernel). */
  const cell = async (kk: NodesKernel, from: string, to: string): Promise<Doc | undefined> => {
    const m = (await api<Doc>(kk, '/api/v1/resources/network/latency')).body;
    for (const n of m.nodes as Doc[]) ids.set(n.name, n.id);
    return (m.cells as Doc[]).find(
      (c) => c.from === ids.get(from) && c.to === (to === 'kernel' ? 'kernel' : ids.get(to)),
    );
  };

  it('3 agents in 3 namespaces measure each other and the kernel', async (ctx) => {
    const { lab, k } = ready(ctx);
    const minted = await api<Doc>(k, '/api/v1/nodes/tokens', {
      method: 'POST',
      body: { ttl: '10m', uses: 3 },
    });
    expect(minted.status).toBe(201);
    for (const [i, host] of lab.hosts.entries()) {
      const name = `p${i + 1}`;
      const dir = mkdtempSync(join(tmpdir(), `omega-probe-${name}-`));
      const config = join(dir, 'config.json');
      writeFileSync(config, JSON.stringify({ dataDir: join(dir, 'data'), resources: { reportEverySec: 5 } }));
      const proc = startAgent({
        lab: { lab, host },
        args: [
          '--server',
          k.url,
          '--name',
          name,
          '--config',
          config,
          '--no-discovery',
          '--log-level',
          'debug',
        ],
        env: { OMEGA_AGENT_JOIN_TOKEN: minted.body.token },
      });
      agents.push({ name, host, dir, proc });
    }
    for (const a of agents) await a.proc.waitLog((r) => r.msg === 'joined', 60_000);
    await until(async () => {
      const m = (await api<Doc>(k, '/api/v1/resources/network/latency')).body;
      const measured = (m.cells as Doc[]).filter((c) => c.received > 0);
      return measured.length === 9 ? m : undefined; // 3 × 2 peers + 3 × kernel
    }, 90_000);
    for (const a of agents) {
      const c = (await cell(k, 'p1', a.name === 'p1' ? 'kernel' : a.name))!;
      expect(c.status).not.toBe('unreachable');
    }
    // Each agent listens on its own namespace address, which is what its peers probe.
    const p1 = (await api<Doc>(k, '/api/v1/resources/network/nodes/p1')).body;
    expect(JSON.stringify(p1)).toContain(agents[0]!.host.address);
  }, 180_000);

  it('50 ms each way and 20 % loss on one link show in the matrix with that magnitude', async (ctx) => {
    const { lab, k } = ready(ctx);
    const p3 = agents[2]!;
    // The substrate delays and drops what crosses p3's link to the host (where the kernel
    // listens) both ways, and drops 20 % of what enters p3's namespace from anyone; traffic
    // between namespaces is bridged, so peers see the loss into p3 but not the delay.
    const undo = await lab.degrade(p3.host, { lossPercent: 20, delayMs: 50 });
    const since = Date.now();
    try {
      // Wait until both reports cover a window that began after the change.
      const fresh = (c: Doc | undefined) =>
        c && Date.parse(c.at) > since + PROBE.windowMs + PROBE.intervalMs ? c : undefined;
      const toKernel = await until(async () => fresh(await cell(k, 'p3', 'kernel')), 120_000);
      const toP3 = await until(async () => fresh(await cell(k, 'p1', 'p3')), 60_000);
      const clean = (await cell(k, 'p1', 'kernel'))!;
      const cleanPeer = (await cell(k, 'p1', 'p2'))!;
      // ~100 ms more round trip to the kernel from p3 than from p1.
      expect(toKernel.rttMs.p50 - clean.rttMs.p50).toBeGreaterThan(80);
      expect(toKernel.rttMs.p50).toBeLessThan(400);
      // A handshake fails when its SYN or SYN-ACK is dropped: 1 − 0.8² = 36 % expected.
      expect(toKernel.loss).toBeGreaterThan(0.1);
      expect(toKernel.loss).toBeLessThan(0.7);
      // Probes into p3 lose 20 % (75 in the window); replies leave p3 undisturbed.
      expect(toP3.loss).toBeGreaterThan(0.05);
      expect(toP3.loss).toBeLessThan(0.45);
      expect(['degraded', 'bad']).toContain(toP3.status);
      expect(['degraded', 'bad']).toContain(toKernel.status);
      expect(cleanPeer.loss).toBeLessThan(0.05);
      expect(['ok', 'degraded']).toContain(cleanPeer.status); // degraded only by jitter on a loaded machine
      // The trouble shows on every link of p3, and only on p1's link to p3: p3 is blamed, p1 less.
      const q = (await api<Doc>(k, '/api/v1/resources/network/quality')).body.items as Doc[];
      const grade = (n: string) => GRADES.indexOf(q.find((x) => x.name === n)!.grade);
      expect(grade('p3')).toBeGreaterThanOrEqual(GRADES.indexOf('bad'));
      expect(grade('p1')).toBeLessThan(grade('p3'));
    } finally {
      await undo();
    }
  }, 240_000);

  it('a cut link: loss 100 %, the link and the node unreachable', async (ctx) => {
    const { lab, k } = ready(ctx);
    const p2 = agents[1]!;
    await lab.cut(p2.host);
    try {
      const c = await until(async () => {
        const x = await cell(k, 'p1', 'p2');
        return x?.status === 'unreachable' && x.loss === 1 ? x : undefined;
      }, 60_000);
      expect(c.received).toBe(0);
      const other = await until(async () => {
        const x = await cell(k, 'p3', 'p2');
        return x?.status === 'unreachable' && x.loss === 1 ? x : undefined;
      }, 30_000);
      expect(other.sent).toBeGreaterThan(0);
      const q = await until(async () => {
        const items = (await api<Doc>(k, '/api/v1/resources/network/quality')).body.items as Doc[];
        const x = items.find((i) => i.name === 'p2');
        return x?.grade === 'unreachable' ? x : undefined;
      }, 30_000);
      expect(q.reason).toMatch(/unreachable/);
      expect(q.peers.reachable).toBe(0);
    } finally {
      await lab.heal(p2.host);
    }
    // Healed: p1 hears p2 again.
    await until(async () => {
      const x = await cell(k, 'p1', 'p2');
      return x && x.status !== 'unreachable' && x.lastReplyAt > Date.now() - 5000 ? x : undefined;
    }, 90_000);
  }, 240_000);
});
