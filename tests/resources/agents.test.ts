import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  api,
  type Doc,
  METRICS_DIR,
  type NodesKernel,
  startNodesKernel,
  until,
} from '../../plugins/nodes/test/helpers/nodes-kernel.js';
import { type AgentProcess, startAgent } from '../nodes/helpers/agent-process.js';

const RESOURCES_DIR = join(import.meta.dirname, '..', '..', 'plugins', 'resources');

/**
 * The resources plugin with real agents on loopback: a real kernel running the nodes, resources
 * and metrics plugins as shipped, two real omega-agent processes reporting what this machine has
 * (reports every second, probe rounds every second). The figures come from /proc and /sys of
 * this machine, so the assertions compare them with what the machine itself says.
 */
describe('resources and network from real agents (loopback)', () => {
  let k: NodesKernel;
  const agents: Array<{ name: string; dir: string; proc: AgentProcess }> = [];
  const byName = (n: string) => agents.find((a) => a.name === n)!;

  beforeAll(async () => {
    k = await startNodesKernel({ with: [RESOURCES_DIR, METRICS_DIR] });
    const info = k.kernel.plugins.info('resources');
    if (info.status !== 'running')
      throw new Error(`resources plugin: ${info.status} ${JSON.stringify(info)}`);
    const settings = await api<Doc>(k, '/api/v1/resources/settings');
    const put = await api<Doc>(k, '/api/v1/resources/settings', {
      method: 'PUT',
      body: {
        probe: { intervalMs: 1000, packets: 3, spacingMs: 50, timeoutMs: 400, windowMs: 6000 },
        version: settings.body.version,
      },
    });
    expect(put.status).toBe(200);
    const minted = await api<Doc>(k, '/api/v1/nodes/tokens', {
      method: 'POST',
      body: { ttl: '10m', uses: 2 },
    });
    expect(minted.status).toBe(201);
    for (const name of ['a1', 'a2']) {
      const dir = mkdtempSync(join(tmpdir(), `omega-res-${name}-`));
      const config = join(dir, 'config.json');
      writeFileSync(
        config,
        JSON.stringify({
          resources: { reportEverySec: 1 },
          netprobe: { port: 0 },
          dataDir: join(dir, 'data'),
        }),
      );
      const proc = startAgent({
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
      agents.push({ name, dir, proc });
    }
    for (const a of agents) await a.proc.waitLog((r) => r.msg === 'joined', 60_000);
  }, 180_000);

  afterAll(async () => {
    for (const a of agents) a.proc.kill('SIGKILL');
    await k?.close();
    for (const a of agents) rmSync(a.dir, { recursive: true, force: true });
  }, 60_000);

  it("lists each node's summary as this machine has it: NUMA, filesystems, disks; absent parts say why", async () => {
    const list = await until(async () => {
      const r = await api<Doc>(k, '/api/v1/resources');
      return r.body.items?.filter((n: Doc) => 'v' in n.summary).length === 2 ? r.body : undefined;
    }, 60_000);
    expect(list.cluster.nodes).toBe(2);
    expect(list.cluster.reporting).toBe(2);
    const one = (await api<Doc>(k, '/api/v1/resources/nodes/a1')).body;
    expect(one.name).toBe('a1');
    expect(one.connected).toBe(true);
    const s = one.summary;
    const sysNodes = readdirSync('/sys/devices/system/node').filter((f) => /^node\d+$/.test(f)).length;
    if (s.numa.available) expect(s.numa.nodes.length).toBe(sysNodes);
    else expect(s.numa.reason).toMatch(/\w/);
    expect(s.storage.filesystems.available).toBe(true);
    const root = s.storage.filesystems.list.find((f: Doc) => f.mount === '/');
    expect(root).toBeDefined();
    expect(root.sizeBytes).toBeGreaterThan(0);
    // Sections this VM lacks are absent with a reason, never zeros.
    for (const part of [s.health.md, s.health.zfs, s.thermal.gpus]) {
      if (!part.available) expect(typeof part.reason).toBe('string');
    }
    const unknown = await api<Doc>(k, '/api/v1/resources/nodes/nope');
    expect(unknown.status).toBe(404);
  }, 90_000);

  it('fetches full detail from the agent on demand, and refuses unknown sections', async () => {
    const d = await api<Doc>(k, '/api/v1/resources/nodes/a2/detail?sections=numa,storage');
    expect(d.status).toBe(200);
    expect(JSON.stringify(d.body)).toContain('numa');
    const bad = await api<Doc>(k, '/api/v1/resources/nodes/a2/detail?sections=bogus');
    expect(bad.status).toBe(400);
  }, 60_000);

  it('measures both directions between the agents and each agent to the kernel', async () => {
    const m = await until(async () => {
      const r = (await api<Doc>(k, '/api/v1/resources/network/latency')).body;
      const cells = (r.cells ?? []) as Doc[];
      const between = cells.filter((c) => c.to !== 'kernel' && c.received > 0);
      const kernel = cells.filter((c) => c.to === 'kernel' && c.received > 0);
      return between.length === 2 && kernel.length === 2 ? r : undefined;
    }, 60_000);
    const ids = Object.fromEntries((m.nodes as Doc[]).map((n) => [n.name, n.id]));
    const ab = (m.cells as Doc[]).find((c) => c.from === ids.a1 && c.to === ids.a2)!;
    expect(ab.status).not.toBe('unreachable');
    expect(ab.rttMs.p50).toBeGreaterThan(0);
    expect(ab.rttMs.p99).toBeGreaterThanOrEqual(ab.rttMs.p50);
    const q = (await api<Doc>(k, '/api/v1/resources/network/quality')).body.items as Doc[];
    expect(q.map((x) => x.name).sort()).toEqual(['a1', 'a2']);
    for (const x of q) expect(x.grade).not.toBe('unknown');
  }, 90_000);

  it("draws the topology: both nodes on this machine's subnets (loopback left out), with their interfaces", async () => {
    // The machine's own non-loopback IPv4 addresses, as the OS lists them.
    const own = Object.entries(networkInterfaces()).flatMap(([name, list]) =>
      (list ?? [])
        .filter((a) => a.family === 'IPv4' && !a.internal && !a.address.startsWith('169.254.'))
        .map((a) => ({ name, address: a.address, cidr: a.cidr })),
    );
    const t = await until(async () => {
      const r = (await api<Doc>(k, '/api/v1/resources/network/topology')).body;
      return r.nodes?.length === 2 ? r : undefined;
    }, 30_000);
    expect((t.links as Doc[]).some((l) => l.interface === 'lo' || l.address === '127.0.0.1')).toBe(false);
    const n = (await api<Doc>(k, '/api/v1/resources/network/nodes/a1')).body;
    expect(n.interfaces.list.some((i: Doc) => i.name === 'lo')).toBe(false);
    if (own.length === 0) return; // a machine with loopback only: nothing more to draw
    const first = own[0]!;
    const edges = (t.links as Doc[]).filter((l) => l.interface === first.name && l.address === first.address);
    expect(new Set(edges.map((l) => l.node)).size).toBe(2);
    const subnet = (t.subnets as Doc[]).find((s) => s.id === edges[0]!.subnet)!;
    expect(subnet.nodes).toBe(2);
    expect(subnet.prefix).toBe(Number(first.cidr?.split('/')[1]));
    expect(n.interfaces.list.some((i: Doc) => i.name === first.name)).toBe(true);
  }, 60_000);

  it('hands its series to the metrics plugin: probe RTT in the Prometheus exposition, keyed by node name', async () => {
    const text = await until(async () => {
      const r = await k.api('/api/v1/metrics/prometheus');
      const body = await r.text();
      return /omega_probe_rtt_seconds\{[^}]*node="a1"[^}]*peer="a2"/.test(body) &&
        /omega_probe_loss_ratio\{[^}]*node="a2"[^}]*peer="a1"/.test(body)
        ? body
        : undefined;
    }, 60_000);
    expect(text).toMatch(/omega_probe_rtt_seconds\{[^}]*node="a2"[^}]*peer="kernel"[^}]*quantile="0.99"/);
    expect(text).toMatch(/omega_filesystem_used_ratio\{[^}]*mount="\/"/);
    const series = await api<Doc>(k, '/api/v1/metrics/series?node=a1&name=probe.rtt');
    expect(series.status).toBe(200);
    expect(JSON.stringify(series.body)).toContain('probe.rtt');
  }, 90_000);

  it('a killed agent: its peer sees 100 % loss and the link unreachable', async () => {
    const a2 = byName('a2');
    a2.proc.kill('SIGKILL');
    await a2.proc.exited;
    const cell = await until(async () => {
      const r = (await api<Doc>(k, '/api/v1/resources/network/latency')).body;
      const ids = Object.fromEntries((r.nodes as Doc[]).map((n) => [n.name, n.id]));
      const c = (r.cells as Doc[]).find((x) => x.from === ids.a1 && x.to === ids.a2);
      // Unreachable at once (two silent rounds), loss 100 % once the window holds only losses.
      return c?.status === 'unreachable' && c.loss === 1 ? c : undefined;
    }, 60_000);
    expect(cell.loss).toBe(1);
    expect(cell.reason).toMatch(/\w/);
  }, 90_000);
});
