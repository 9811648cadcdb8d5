import { spawn } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { pino } from 'pino';
import { parseConfig } from '../kernel/config/index.js';
import { startKernel } from '../kernel/kernel.js';
import { createLogger } from '../kernel/log/index.js';
import { newIdentity, ProtocolAgent } from '../plugins/nodes/test/helpers/protocol-agent.js';
import { buildPlugin } from '../sdk/src/build/index.js';
import { percentile, report } from './report.js';

/**
 * What the nodes plugin costs at 10,000 nodes, each figure beside a baseline from the same run.
 * The kernel runs in a child process; inside it a driver speaks to the nodes plugin exactly as
 * the kernel's agent gateway does (service agent-gateway: join, then batches of heartbeats at
 * 100 ms like the gateway's batcher), so this measures the plugin side of the path — the
 * 10,000-agent bench with real sockets and MACs is the agent's (bench/nodes.bench.ts).
 *
 * - join rate and memory per node (nodes plugin host RSS; the kernel's, which holds storage)
 * - CPU of kernel + nodes host + metrics host at 2,000 heartbeats/s; baseline: the same number
 *   of deliver calls, empty
 * - API p50/p99 of GET /api/v1/nodes?state=down and GET /api/v1/nodes/{id} under that load;
 *   baselines: GET /api/v1/health and the plugin's GET /settings under the same load
 * - how long a silent node takes to be marked down, vs the configured bound
 * - metrics plugin memory per remote node (host RSS), beside the series' typed-array bytes
 * - nodes.command round trip p50/p99 with a real agent connection on loopback; baselines: the
 *   agent's heartbeat → hback round trip, and a bare nodes.registry service call
 *
 * Run: npm run bench -- node-registry   (BENCH_NODES=10000 BENCH_SECONDS=60 by default; named so
 * that `npm run bench -- nodes`, the agent's 10,000-agent bench, does not also run this one)
 */

const TOKEN = 'bench-admin-token-0123456789abcdef';
const NODES_SRC = join(import.meta.dirname, '..', 'plugins', 'nodes');
const METRICS_SRC = join(import.meta.dirname, '..', 'plugins', 'metrics');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const MB = 1024 * 1024;

/** CPU ms of a process so far: utime + stime + reaped children's (USER_HZ = 100). */
function cpuMsOf(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14])) * 10;
}
function rssOf(pid: number): number {
  return Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) * 1024;
}

/** A realistic specs document (~2 KB, the shape the agent sends). */
function specsOf(i: number): Record<string, unknown> {
  return {
    hostname: `worker-${i}`,
    agentVersion: '0.1.0',
    os: {
      platform: 'linux',
      arch: 'x64',
      kernel: '6.1.0-18-amd64',
      distro: 'Debian GNU/Linux 12 (bookworm)',
    },
    cpu: {
      model: 'AMD EPYC 7543 32-Core Processor',
      vendor: 'AuthenticAMD',
      sockets: 2,
      cores: 64,
      threads: 128,
    },
    memory: { totalBytes: 512 * 1024 ** 3, swapBytes: 0 },
    numa: [
      { node: 0, cpus: Array.from({ length: 64 }, (_, c) => c), memoryBytes: 256 * 1024 ** 3 },
      { node: 1, cpus: Array.from({ length: 64 }, (_, c) => c + 64), memoryBytes: 256 * 1024 ** 3 },
    ],
    gpus: [0, 1, 2, 3].map((g) => ({
      index: g,
      vendor: 'NVIDIA',
      model: 'NVIDIA A100-SXM4-80GB',
      memoryBytes: 80 * 1024 ** 3,
    })),
    disks: [{ name: 'nvme0n1', sizeBytes: 3.84e12, rotational: false, model: 'SAMSUNG MZQL23T8HCLS' }],
    filesystems: [
      { mount: '/', device: '/dev/nvme0n1p2', fstype: 'ext4', sizeBytes: 3.8e12, readOnly: false },
    ],
    interfaces: [
      {
        name: 'eth0',
        kind: 'device',
        mac: '0c:42:a1:00:00:01',
        mtu: 9000,
        speedMbps: 100000,
        addresses: [{ family: 'IPv4', address: `10.1.${i >> 8}.${i & 255}`, prefix: 16 }],
      },
    ],
    capacity: { cores: 64, threads: 128, memoryBytes: 512 * 1024 ** 3, gpus: 4, configured: false },
    absent: {},
  };
}

const loadOf = (i: number, t: number) => ({
  cpu: ((i * 7 + t) % 100) / 100,
  load1: ((i + t) % 64) / 4,
  memUsed: 100e9 + ((i * 13 + t) % 50) * 1e9,
  memTotal: 549755813888,
  diskReadBps: (i * 1000 + t) % 1e7,
  diskWriteBps: (i * 3000 + t) % 1e7,
  netRxBps: (i * 5000 + t) % 1e9,
  netTxBps: (i * 7000 + t) % 1e9,
  tempMax: 55 + (i % 20),
});

// ─────────────────────────────── the kernel child ───────────────────────────────

async function kernelRole(): Promise<void> {
  const config = parseConfig({
    host: '127.0.0.1',
    port: 0,
    dataDir: process.env.DATA_DIR,
    log: { level: 'silent' },
    auth: { adminToken: TOKEN },
    agents: { heartbeatMs: 1_000 },
    plugins: { dirs: [process.env.PLUGINS_DIR!], grantsFile: process.env.GRANTS_FILE!, warmHosts: 0 },
  });
  // BENCH_LOG=warn shows the kernel's warnings (plugin crashes, refused calls) on stderr.
  const logger = createLogger({ level: process.env.BENCH_LOG ?? 'silent', destination: pino.destination(2) });
  const kernel = await startKernel(config, { logger });
  const KERNEL = { plugin: 'kernel', version: '0.1.0' };
  const gw = (args: unknown) =>
    kernel.plugins.services.call('nodes.agent-gateway', args, KERNEL) as Promise<{
      node?: { id: string };
      refused?: unknown;
    }>;
  const ids: string[] = [];
  const silent = new Set<string>();
  /** Kernel time of each node's newest delivered frame (its silence is counted from it). */
  const lastAt = new Map<string, number>();
  let tick = 0;
  const out = (o: unknown) => process.stdout.write(`${JSON.stringify(o)}\n`);
  // Heartbeats of the joined nodes, each every 5 s, in batches every 100 ms (the gateway's pace),
  // at most `rate` per second; `empty`: the same calls with no events (the crossings alone).
  const hb = { on: false, empty: false, rate: 0, sent: 0, late: 0, calls: 0 };
  let loop: Promise<void> | undefined;
  const heartbeats = async () => {
    let cursor = 0;
    let due = Date.now();
    while (hb.on) {
      const live = ids.filter((id, i) => id !== undefined && !silent.has(id) && i >= 0);
      const per = hb.empty ? 0 : Math.min(hb.rate / 10, Math.ceil(live.length / 50));
      const events = [];
      const at = Date.now();
      for (let j = 0; j < per; j++) {
        const i = cursor++ % live.length;
        lastAt.set(live[i]!, at);
        events.push({
          type: 'message',
          node: live[i],
          conn: `c-${live[i]}`,
          at,
          remote: '10.1.0.1',
          m: { k: 'hb', n: tick, t: Date.now(), load: loadOf(i, tick) },
        });
      }
      tick++;
      await gw({ op: 'deliver', events });
      hb.sent += events.length;
      hb.calls++;
      due += 100;
      const wait = due - Date.now();
      if (wait > 0) await sleep(wait);
      else hb.late++;
    }
  };
  out({ url: kernel.url, pid: process.pid });
  const rl = createInterface({ input: process.stdin });
  for await (const line of rl) {
    const [cmd, ...args] = line.split(' ');
    if (cmd === 'join') {
      const n = Number(args[0]);
      const token = args[1]!;
      const t0 = performance.now();
      let next = 0;
      const worker = async () => {
        for (;;) {
          const i = next++;
          if (i >= n) return;
          const { publicKey } = generateKeyPairSync('ed25519');
          const remote = `10.1.${i >> 8}.${i & 255}`;
          const r = await gw({
            op: 'join',
            token,
            name: `worker-${String(i).padStart(5, '0')}`,
            publicKey: publicKey.export({ format: 'jwk' }).x,
            specs: specsOf(i),
            agentVersion: '0.1.0',
            remote,
          });
          if (!r.node) throw new Error(JSON.stringify(r));
          // Its session opens at once (the gateway delivers `connected` urgently).
          lastAt.set(r.node.id, Date.now());
          await gw({
            op: 'deliver',
            events: [
              {
                type: 'connected',
                node: r.node.id,
                conn: `c-${r.node.id}`,
                at: Date.now(),
                remote,
                name: 'w',
                agentVersion: '0.1.0',
              },
            ],
          });
          ids[i] = r.node.id;
        }
      };
      await Promise.all(Array.from({ length: 8 }, worker));
      out({ joined: n, ms: performance.now() - t0 });
    } else if (cmd === 'silence') {
      for (const id of ids.slice(0, Number(args[0]))) silent.add(id);
      // Heartbeats already in flight land before the answer (the loop awaits each call).
      await sleep(200);
      out({ silenced: silent.size, last: Object.fromEntries([...silent].map((id) => [id, lastAt.get(id)])) });
    } else if (cmd === 'hbstart') {
      Object.assign(hb, {
        on: true,
        rate: Number(args[0]),
        empty: args[1] === 'empty',
        sent: 0,
        late: 0,
        calls: 0,
      });
      loop = heartbeats();
      out({ started: true });
    } else if (cmd === 'hbstop') {
      hb.on = false;
      await loop;
      out({ sent: hb.sent, late: hb.late, calls: hb.calls });
    } else if (cmd === 'registry') {
      const n = Number(args[0]);
      const times: number[] = [];
      for (let i = 0; i < n; i++) {
        const t = performance.now();
        await kernel.plugins.services.call(
          'nodes.registry',
          { ids: [args[1]] },
          { plugin: 'bench', version: '1' },
        );
        times.push(performance.now() - t);
      }
      out({ p50: percentile(times, 50), p99: percentile(times, 99) });
    } else if (cmd === 'command') {
      const n = Number(args[0]);
      const times: number[] = [];
      for (let i = 0; i < n; i++) {
        const t = performance.now();
        const r = (await kernel.plugins.services.call(
          'nodes.command',
          { node: args[1], id: `b${i}`, op: 'ping' },
          { plugin: 'bench', version: '1' },
        )) as { ok: boolean };
        times.push(performance.now() - t);
        if (!r.ok) throw new Error('command failed');
      }
      out({ p50: percentile(times, 50), p99: percentile(times, 99), n });
    } else if (cmd === 'stop') {
      await kernel.stop('bench done');
      out({ stopped: true });
      process.exit(0);
    }
  }
}

// ─────────────────────────────── the bench ───────────────────────────────

async function main(): Promise<void> {
  const N = Number(process.env.BENCH_NODES ?? 10_000);
  const seconds = Number(process.env.BENCH_SECONDS ?? 60);
  const SILENT = Math.min(100, Math.floor(N / 10));
  const root = mkdtempSync(join(tmpdir(), 'omega-nodes-bench-'));
  const pluginsDir = join(root, 'plugins');
  const grants = JSON.parse(readFileSync(join(NODES_SRC, '..', 'grants.json'), 'utf8')) as Record<
    string,
    unknown
  >;
  for (const src of [NODES_SRC, METRICS_SRC]) {
    await buildPlugin(src, { typecheck: false });
    const name = src.endsWith('nodes') ? 'nodes' : 'metrics';
    mkdirSync(join(pluginsDir, name, 'dist'), { recursive: true });
    cpSync(join(src, 'dist', 'plugin.json'), join(pluginsDir, name, 'dist', 'plugin.json'));
    cpSync(join(src, 'dist', 'plugin.js'), join(pluginsDir, name, 'dist', 'plugin.js'));
    // the metrics plugin's panel (ui.root, sealed in its built manifest)
    if (name === 'metrics')
      cpSync(join(src, 'panels'), join(pluginsDir, name, 'panels'), { recursive: true });
  }
  writeFileSync(
    join(pluginsDir, 'grants.json'),
    JSON.stringify({ nodes: grants.nodes, metrics: grants.metrics }),
  );
  const child = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', import.meta.filename], {
    stdio: ['pipe', 'pipe', 'inherit'],
    env: {
      ...process.env,
      NODES_BENCH_ROLE: 'kernel',
      PLUGINS_DIR: pluginsDir,
      GRANTS_FILE: join(pluginsDir, 'grants.json'),
      DATA_DIR: join(root, 'data'),
    },
  });
  const lines = createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
  // biome-ignore lint/suspicious/noExplicitAny: the child's answers are read by field
  const next = async (): Promise<Record<string, any>> => JSON.parse((await lines.next()).value as string);
  const ask = async (cmd: string) => {
    child.stdin!.write(`${cmd}\n`);
    return next();
  };
  const { url, pid: kernelPid } = await next();
  const api = (path: string, init: RequestInit = {}) =>
    fetch(`${url}${path}`, {
      ...init,
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json', ...init.headers },
    });
  const hostPid = async (name: string) =>
    ((await (await api(`/api/v1/plugins/${name}`)).json()) as { runtime: { pid: number } }).runtime.pid;
  const nodesPid = await hostPid('nodes');
  const metricsPid = await hostPid('metrics');
  try {
    await sleep(2_000);
    const nodes0 = rssOf(nodesPid);
    const kernel0 = rssOf(kernelPid);
    const metrics0 = rssOf(metricsPid);
    const cpu = () => [cpuMsOf(kernelPid), cpuMsOf(nodesPid), cpuMsOf(metricsPid)];
    // Baseline: the deliver calls alone (10 a second, empty).
    const base = Math.round(seconds / 3);
    console.log(`baseline: empty deliver calls for ${base} s…`);
    const c0 = cpu();
    let t0 = performance.now();
    await ask('hbstart 0 empty');
    await sleep(base * 1000);
    await ask('hbstop');
    const emptyPct = (cpu().reduce((a, v, i) => a + v - c0[i]!, 0) / (performance.now() - t0)) * 100;

    const token = (
      (await (
        await api('/api/v1/nodes/tokens', { method: 'POST', body: JSON.stringify({ uses: N, ttl: '1d' }) })
      ).json()) as { token: string }
    ).token;
    console.log(`joining ${N} nodes through the gateway service, heartbeating as they join…`);
    await ask('hbstart 2000');
    const nodesCpu0 = cpuMsOf(nodesPid);
    const joined = await ask(`join ${N} ${token}`);
    report({
      name: 'join through agent-gateway (8 at a time)',
      value: N / (joined.ms / 1000),
      unit: 'joins/s',
    });
    // A host above its CPU budget (the kernel's default: 0.5 core after a 3 s burst) is killed.
    report({
      name: '  nodes plugin host CPU while joining',
      value: ((cpuMsOf(nodesPid) - nodesCpu0) / joined.ms) * 100,
      unit: '% of a core',
      baseline: { name: "the kernel's per-host budget", value: 50 },
    });
    await sleep(10_000);
    const nodes1 = rssOf(nodesPid);
    const kernel1 = rssOf(kernelPid);

    const asked = Math.min(2000, (N - SILENT) / 5);
    console.log(`${asked} heartbeats/s for ${seconds} s, ${SILENT} nodes silent, API under load…`);
    const lastHeard = (await ask(`silence ${SILENT}`)).last as Record<string, number>;
    const c1 = cpu();
    t0 = performance.now();
    const hb0 = await ask('hbstop');
    await ask('hbstart 2000');
    // API latencies under load (after a warm-up), on a fixed schedule.
    await sleep(5_000);
    const sample = (await (await api('/api/v1/nodes?limit=1&q=worker-05000')).json()) as {
      items: Array<{ id: string }>;
    };
    const one = sample.items[0]?.id ?? '';
    const lat: Record<string, number[]> = { down: [], one: [], health: [], settings: [] };
    const paths: Record<string, string> = {
      down: '/api/v1/nodes?state=down',
      one: `/api/v1/nodes/${one}`,
      health: '/api/v1/health',
      settings: '/api/v1/nodes/settings',
    };
    const stopAt = performance.now() + (seconds - 5) * 1000;
    let bytesDown = 0;
    while (performance.now() < stopAt) {
      for (const [k, p] of Object.entries(paths)) {
        const t = performance.now();
        const res = await api(p);
        const body = await res.arrayBuffer();
        lat[k]!.push(performance.now() - t);
        if (k === 'down') bytesDown = body.byteLength;
      }
      await sleep(50);
    }
    // A short run keeps heartbeating until the silent nodes' down bound has passed.
    type Settings = {
      spec: { downAfterMs: number };
      status: { events: { published: number; failed: number; dropped: number } };
    };
    const bound = ((await (await api('/api/v1/nodes/settings')).json()) as Settings).spec.downAfterMs;
    const settle = Math.max(...Object.values(lastHeard)) + bound + 3_000 - Date.now();
    if (settle > 0) {
      console.log(
        `heartbeating ${Math.ceil(settle / 1000)} s more, for the silent nodes' down bound to pass…`,
      );
      await sleep(settle);
    }
    const done = await ask('hbstop');
    void hb0;
    const wallLoad = performance.now() - t0;
    const c2 = cpu();
    const loadPct = ((c2[0]! - c1[0]! + c2[1]! - c1[1]! + c2[2]! - c1[2]!) / wallLoad) * 100;
    const nodesPct = ((c2[1]! - c1[1]!) / wallLoad) * 100;
    const metricsPct = ((c2[2]! - c1[2]!) / wallLoad) * 100;
    report({
      name: 'heartbeats delivered',
      value: done.sent / (wallLoad / 1000),
      unit: 'hb/s',
      baseline: { name: 'asked (a node every 5 s)', value: asked },
    });
    report({
      name: 'deliver calls that left late (driver behind its 100 ms pace)',
      value: done.late,
      unit: 'calls',
      baseline: { name: 'calls', value: done.calls },
    });
    report({
      name: `CPU kernel + nodes + metrics hosts at ${asked} hb/s`,
      value: loadPct,
      unit: '% of a core',
      baseline: { name: 'same deliver calls, empty', value: emptyPct },
      goal: '< 100 %',
      met: loadPct < 100,
    });
    report({ name: '  of which the nodes plugin host', value: nodesPct, unit: '% of a core' });
    report({ name: '  of which the metrics plugin host', value: metricsPct, unit: '% of a core' });
    const h = percentile(lat.health!, 99);
    report({
      name: 'GET /api/v1/nodes?state=down p99 under load',
      value: percentile(lat.down!, 99),
      unit: 'ms',
      baseline: { name: 'GET /api/v1/health p99', value: h },
      goal: '≤ 50 ms',
      met: percentile(lat.down!, 99) <= 50,
    });
    report({
      name: `  (p50, ${Math.round(bytesDown / 1024)} KiB per answer)`,
      value: percentile(lat.down!, 50),
      unit: 'ms',
      baseline: { name: 'GET /health p50', value: percentile(lat.health!, 50) },
    });
    report({
      name: 'GET /api/v1/nodes/{id} p99 under load',
      value: percentile(lat.one!, 99),
      unit: 'ms',
      baseline: { name: 'GET /api/v1/nodes/settings p99', value: percentile(lat.settings!, 99) },
      goal: '≤ 50 ms',
      met: percentile(lat.one!, 99) <= 50,
    });

    // Silent nodes: how long until down, vs the bound.
    const settings = (await (await api('/api/v1/nodes/settings')).json()) as Settings;
    const down = (
      (await (await api(`/api/v1/nodes?state=down&limit=1000`)).json()) as {
        items: Array<{ id: string; status: { since: string } }>;
      }
    ).items;
    const toDown = down
      .filter((n) => lastHeard[n.id] !== undefined)
      .map((n) => Date.parse(n.status.since) - lastHeard[n.id]!);
    report({ name: `silent nodes marked down (of ${SILENT})`, value: down.length, unit: 'nodes' });
    if (toDown.length)
      report({
        name: 'time from last heartbeat to down, p50',
        value: percentile(toDown, 50) / 1000,
        unit: 's',
        baseline: { name: 'configured downAfterMs', value: settings.spec.downAfterMs / 1000 },
      });
    if (toDown.length)
      report({
        name: 'time from last heartbeat to down, p99',
        value: percentile(toDown, 99) / 1000,
        unit: 's',
        baseline: { name: 'configured downAfterMs', value: settings.spec.downAfterMs / 1000 },
      });
    const ready = ((await (await api('/api/v1/nodes?state=ready&limit=1')).json()) as { total: number })
      .total;
    report({
      name: 'heartbeating nodes misjudged (not ready)',
      value: N - SILENT - ready,
      unit: 'nodes',
      baseline: { name: 'heartbeating nodes', value: N - SILENT },
    });
    report({
      name: 'events published by the nodes plugin',
      value: settings.status.events.published,
      unit: 'events',
      baseline: {
        name: 'failed or dropped',
        value: settings.status.events.failed + settings.status.events.dropped,
      },
    });

    const nodes2 = rssOf(nodesPid);
    const metrics2 = rssOf(metricsPid);
    report({
      name: 'nodes plugin host memory per node (joined)',
      value: (nodes1 - nodes0) / N,
      unit: 'bytes',
      baseline: { name: 'host RSS before', value: nodes0 / MB, unit: 'MiB' },
    });
    report({
      name: 'nodes plugin host memory per node (with live load)',
      value: (nodes2 - nodes0) / N,
      unit: 'bytes',
    });
    report({
      name: 'kernel memory per node (storage of records and specs)',
      value: (kernel1 - kernel0) / N,
      unit: 'bytes',
      baseline: { name: 'kernel RSS before', value: kernel0 / MB, unit: 'MiB' },
    });
    const series = (
      (await (await api('/api/v1/metrics/series?limit=1')).json()) as { collector: { remoteSeries: number } }
    ).collector.remoteSeries;
    report({
      name: 'metrics host memory per remote node',
      value: (metrics2 - metrics0) / N,
      unit: 'bytes',
      baseline: { name: 'typed arrays of its series', value: (series * 1568) / N },
    });

    // Commands with a real agent connection (loopback).
    const agentToken = (
      (await (
        await api('/api/v1/nodes/tokens', { method: 'POST', body: JSON.stringify({ uses: 1 }) })
      ).json()) as {
        token: string;
      }
    ).token;
    const agent = new ProtocolAgent({
      url,
      identity: newIdentity(),
      name: 'bench-agent',
      token: agentToken,
      ops: { ping: () => ({ pong: true }) },
    });
    const o = await agent.connect();
    if (!o.ok) throw new Error(`bench agent: ${o.code}`);
    const hb: number[] = [];
    for (let i = 0; i < 200; i++) {
      const t = performance.now();
      const n = agent.heartbeat({});
      await agent.waitFor((m) => m.k === 'hback' && m.n === n, 5_000);
      hb.push(performance.now() - t);
    }
    const reg = await ask(`registry 500 ${o.node}`);
    const cmd = await ask(`command 500 ${o.node}`);
    report({
      name: 'nodes.command ping round trip p50 (loopback, idle)',
      value: cmd.p50,
      unit: 'ms',
      baseline: { name: 'bare nodes.registry call p50', value: reg.p50 },
    });
    report({
      name: 'heartbeat → hback p50 (acknowledged after the gateway batch)',
      value: percentile(hb, 50),
      unit: 'ms',
      baseline: { name: 'nodes.command ping p50', value: cmd.p50 },
    });
    report({
      name: 'nodes.command ping round trip p99 (loopback, idle)',
      value: cmd.p99,
      unit: 'ms',
      baseline: { name: 'bare nodes.registry call p99', value: reg.p99 },
      goal: '≤ 100 ms',
      met: cmd.p99 <= 100,
    });
    agent.close();
  } finally {
    child.stdin!.write('stop\n');
    await new Promise((r) => child.once('exit', r));
    rmSync(root, { recursive: true, force: true });
  }
}

if (process.env.NODES_BENCH_ROLE === 'kernel') await kernelRole();
else await main();
