/*
 * `npm run bench -- nodes`: N simulated agents (default 10,000; OMEGA_BENCH_NODES) in a separate
 * load process (bench/nodes-load.ts: real keys, real handshakes, real MAC'd heartbeats every 5 s
 * through the agent's own session code) into one kernel process with the core plugins
 * (`omega start`, as shipped). Figures, each beside a baseline from this same run:
 * - hback p50/p99 under full load | the same with the first 2,000 heartbeats (light load)
 * - kernel + plugin-host CPU | the bare cost of 2,000 Ed25519 verifications/s (signed HTTP
 *   heartbeats) and of 2,000 HMAC frame checks/s (the chosen channel)
 * - API p99 of GET /nodes?state=down and GET /nodes/{id} | the same with heartbeats paused
 * - memory per node | kernel + plugin hosts' RSS before any agent
 * - how long a silent (SIGSTOPped, real) agent takes to be marked down | the configured bound
 * - heartbeats lost, nodes misjudged | heartbeats sent, nodes
 */
import { type ChildProcess, fork, spawn } from 'node:child_process';
import { generateKeyPairSync, randomBytes, sign, verify } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeFrame, encodeFrame } from '@omega/protocol/agent-wire';
import { percentile, report } from './report.js';

const ROOT = join(import.meta.dirname, '..');
const N = Number(process.env.OMEGA_BENCH_NODES ?? 10_000);
const HEARTBEAT_MS = 5000;
const WINDOW_MS = Number(process.env.OMEGA_BENCH_WINDOW_MS ?? 60_000);
const TOKEN = randomBytes(24).toString('base64url');
const CLK_TCK = 100;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** CPU seconds of a process and all its descendants (/proc, Linux). */
function treeCpuSeconds(pid: number): number {
  let total = 0;
  const walk = (p: number) => {
    try {
      const stat = readFileSync(`/proc/${p}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      total += (Number(f[11]) + Number(f[12])) / CLK_TCK;
      for (const tid of readdirSync(`/proc/${p}/task`)) {
        const kids = readFileSync(`/proc/${p}/task/${tid}/children`, 'utf8').trim();
        for (const c of kids ? kids.split(/\s+/) : []) walk(Number(c));
      }
    } catch {
      // the process ended meanwhile
    }
  };
  walk(pid);
  return total;
}

/** Resident bytes of a process and its descendants. */
function treeRss(pid: number): number {
  let total = 0;
  const walk = (p: number) => {
    try {
      const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${p}/status`, 'utf8'));
      total += Number(m?.[1] ?? 0) * 1024;
      for (const tid of readdirSync(`/proc/${p}/task`)) {
        const kids = readFileSync(`/proc/${p}/task/${tid}/children`, 'utf8').trim();
        for (const c of kids ? kids.split(/\s+/) : []) walk(Number(c));
      }
    } catch {
      // ended
    }
  };
  walk(pid);
  return total;
}

/** CPU share of one core that `perSec` calls of `fn` cost, measured over `n` calls. */
function costAt(perSec: number, n: number, fn: () => void): number {
  for (let i = 0; i < 200; i++) fn();
  const t0 = process.cpuUsage();
  for (let i = 0; i < n; i++) fn();
  const d = process.cpuUsage(t0);
  return ((d.user + d.system) / 1e6 / n) * perSec;
}

async function api(
  url: string,
  path: string,
  init: RequestInit = {},
): Promise<{ status: number; body: unknown; ms: number }> {
  const t0 = performance.now();
  const res = await fetch(`${url}${path}`, {
    ...init,
    headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json', ...init.headers },
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined, ms: performance.now() - t0 };
}

/** Runs `GET` probes of both routes for `ms`, alternating; answers their latencies. */
async function probe(url: string, ids: string[], ms: number): Promise<{ down: number[]; one: number[] }> {
  const down: number[] = [];
  const one: number[] = [];
  const end = Date.now() + ms;
  while (Date.now() < end) {
    down.push((await api(url, '/api/v1/nodes?state=down')).ms);
    one.push((await api(url, `/api/v1/nodes/${ids[Math.floor(Math.random() * ids.length)]}`)).ms);
    await sleep(40);
  }
  return { down, one };
}

async function main(): Promise<void> {
  console.log(
    `nodes bench: ${N} simulated agents, heartbeat ${HEARTBEAT_MS} ms, window ${WINDOW_MS / 1000} s`,
  );

  // ── Baselines of the same run: signed heartbeats vs the MAC'd channel ──
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const body = Buffer.from(JSON.stringify({ k: 'hb', n: 1, t: Date.now(), load: { cpu: 0.25, load1: 1 } }));
  const sig = sign(null, body, privateKey);
  const ed = costAt(2000, 4000, () => verify(null, body, publicKey, sig));
  const key = randomBytes(32);
  const frame = encodeFrame(key, 1, body.toString());
  const hmac = costAt(2000, 20_000, () => decodeFrame(key, 1, frame));

  // ── The kernel, as shipped (dist/cli.js), with the core plugins ──
  const dataDir = mkdtempSync(join(tmpdir(), 'omega-bench-nodes-'));
  const configFile = join(dataDir, 'config.json');
  writeFileSync(
    configFile,
    JSON.stringify({ agents: { heartbeatMs: HEARTBEAT_MS }, log: { level: 'error' } }),
  );
  const kernel = spawn(
    'sh',
    [
      '-c',
      'ulimit -n "$(ulimit -Hn)" && exec "$@"',
      'sh',
      process.execPath,
      join(ROOT, 'dist', 'cli.js'),
      'start',
      '--port',
      '0',
      '--data-dir',
      dataDir,
      '--config',
      configFile,
      '--no-local-agent',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, OMEGA_ADMIN_TOKEN: TOKEN } },
  );
  let load: ChildProcess | undefined;
  let hung: ChildProcess | undefined;
  const cleanup = () => {
    load?.kill('SIGKILL');
    hung?.kill('SIGKILL');
    kernel.kill('SIGKILL');
  };
  process.on('exit', cleanup);
  for (const signal of ['SIGINT', 'SIGTERM'] as const)
    process.once(signal, () => {
      cleanup();
      process.exit(130);
    });
  try {
    let err = '';
    const url = await new Promise<string>((resolve, reject) => {
      kernel.stderr!.on('data', (d) => {
        err += d;
        const m = /listening on (\S+)/.exec(err);
        if (m) resolve(m[1]!);
      });
      kernel.once('exit', (code) => reject(new Error(`kernel exited ${code}: ${err}`)));
    });
    for (
      let i = 0;
      i < 100 && (await api(url, '/api/v1/ready').catch(() => ({ status: 0 }))).status !== 200;
      i++
    )
      await sleep(200);
    await sleep(2000);
    const rssBefore = treeRss(kernel.pid!);
    const settings = (await api(url, '/api/v1/nodes/settings')).body as { spec: { downAfterMs: number } };
    const tokens: string[] = [];
    for (let i = 0; i < Math.ceil(N / 10_000); i++) {
      const r = await api(url, '/api/v1/nodes/tokens', {
        method: 'POST',
        body: JSON.stringify({ ttl: '1h', uses: Math.min(10_000, N - i * 10_000) }),
      });
      tokens.push((r.body as { token: string }).token);
    }

    // ── The load process: ramp, then sustain ──
    load = fork(join(import.meta.dirname, 'nodes-load.ts'), [], {
      execArgv: ['--conditions=source', '--import', 'tsx'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    const progress: { connected: number; handshakeFailures: number } = { connected: 0, handshakeFailures: 0 };
    let lastStats: Record<string, unknown> | undefined;
    /** Handshake failures by message: a stalled ramp says why. */
    const failures = new Map<string, number>();
    load.on('message', (m: Record<string, unknown>) => {
      if (m.t === 'progress') Object.assign(progress, m);
      else if (m.t === 'stats') lastStats = m;
      else if (m.t === 'error') {
        const key = String(m.message).replace(/\d+/g, 'N').slice(0, 200);
        const seen = failures.get(key) ?? 0;
        failures.set(key, seen + 1);
        if (seen === 0) console.log(`  handshake failed (first of its kind): ${m.message}`);
      }
    });
    const rampStart = performance.now();
    const rampPerSec = Number(process.env.OMEGA_BENCH_RAMP ?? 250);
    load.send({ t: 'start', url, tokens, count: N, rampPerSec, heartbeatMs: HEARTBEAT_MS });
    let shown = 0;
    let shownAt = performance.now();
    const rampMaxMs = Number(process.env.OMEGA_BENCH_RAMP_MAX_SEC ?? 600) * 1000;
    let rampCut = false;
    while (progress.connected + progress.handshakeFailures < N) {
      await sleep(1000);
      if (!rampCut && performance.now() - rampStart > rampMaxMs) {
        // Out of time: measure what joined (the report says how many of N), rather than nothing.
        rampCut = true;
        load.send({ t: 'stop-ramp' });
        console.log(
          `  ramp cut after ${rampMaxMs / 1000} s at ${progress.connected}/${N} (OMEGA_BENCH_RAMP_MAX_SEC); letting the joins in flight finish`,
        );
        await sleep(65_000);
        break;
      }
      if (progress.connected - shown >= 1000 || performance.now() - shownAt > 30_000) {
        shown = progress.connected;
        shownAt = performance.now();
        console.log(
          `  ramp: ${progress.connected}/${N} connected, ${progress.handshakeFailures} failed after ${((performance.now() - rampStart) / 1000).toFixed(0)} s`,
        );
      }
    }
    const rampSec = (performance.now() - rampStart) / 1000;
    console.log(
      `  ramp done: ${progress.connected} connected, ${progress.handshakeFailures} failed, ${rampSec.toFixed(0)} s`,
    );
    await sleep(HEARTBEAT_MS * 2);

    // ── A real agent that will hang (SIGSTOP): how long until it is marked down ──
    const hungDir = mkdtempSync(join(tmpdir(), 'omega-bench-hung-'));
    const hungToken = (
      (await api(url, '/api/v1/nodes/tokens', { method: 'POST', body: JSON.stringify({ uses: 1 }) }))
        .body as { token: string }
    ).token;
    hung = spawn(
      process.execPath,
      [
        '--conditions=source',
        '--import',
        'tsx',
        join(ROOT, 'agent', 'src', 'main.ts'),
        '--server',
        url,
        '--name',
        'hung',
        '--data-dir',
        hungDir,
        '--no-discovery',
        '--log-level',
        'warn',
      ],
      { stdio: 'ignore', env: { ...process.env, OMEGA_AGENT_JOIN_TOKEN: hungToken } },
    );
    const stateOf = async (id: string) =>
      ((await api(url, `/api/v1/nodes/${id}`)).body as { status?: { state: string } })?.status?.state;
    for (let i = 0; i < 120 && (await stateOf('hung')) !== 'ready'; i++) await sleep(500);
    await sleep(HEARTBEAT_MS);

    // ── The measurement window ──
    const ids: string[] = [];
    const page = (await api(url, '/api/v1/nodes?limit=200')).body as { items: Array<{ id: string }> };
    for (const n of page.items) ids.push(n.id);
    load.send({ t: 'window' });
    const cpu0 = treeCpuSeconds(kernel.pid!);
    const t0 = performance.now();
    process.kill(hung.pid!, 'SIGSTOP');
    const stoppedAt = Date.now();
    let downAfter = Number.NaN;
    const watchDown = (async () => {
      while (Number.isNaN(downAfter) && Date.now() - stoppedAt < WINDOW_MS + 60_000) {
        if ((await stateOf('hung')) === 'down') downAfter = (Date.now() - stoppedAt) / 1000;
        else await sleep(250);
      }
    })();
    const loaded = await probe(url, ids, WINDOW_MS);
    const cpuCores = (treeCpuSeconds(kernel.pid!) - cpu0) / ((performance.now() - t0) / 1000);
    const rssAfter = treeRss(kernel.pid!);
    load.send({ t: 'stats' });
    while (!lastStats) await sleep(100);
    const s = lastStats as {
      connected: number;
      sent: number;
      windowSent: number;
      windowAcked: number;
      lost: number;
      retries: number;
      joinRate: { first: number; last: number };
      handshakeFailures: number;
      sessionsEnded: number;
      early: { p50: number; p99: number };
      window: { p50: number; p99: number; max: number; n: number };
      cpuSec: number;
    };
    await watchDown;

    // ── Baseline for the API: the same probes, same registry, heartbeats paused (< suspect bound) ──
    load.send({ t: 'pause', on: true });
    await sleep(1000);
    const quiet = await probe(url, ids, 6000);
    load.send({ t: 'pause', on: false });

    const totalOf = async (q: string) =>
      ((await api(url, `/api/v1/nodes?${q}&limit=1`)).body as { total: number }).total;
    await sleep(2000);
    const ready = await totalOf('state=ready');
    const all = await totalOf('q=sim-');
    const misjudged = all - (await totalOf('state=ready&q=sim-'));

    console.log('');
    report({
      name: 'hback p50 (heartbeat acknowledged, full load)',
      value: s.window.p50,
      unit: 'ms',
      baseline: { name: 'first 2,000 heartbeats (light load)', value: s.early.p50 },
    });
    report({
      name: 'hback p99 (full load)',
      value: s.window.p99,
      unit: 'ms',
      baseline: { name: 'first 2,000 heartbeats (light load)', value: s.early.p99 },
    });
    report({
      name: `kernel + plugin hosts CPU at ${((s.windowSent / WINDOW_MS) * 1000).toFixed(0)} hb/s`,
      value: cpuCores,
      unit: 'cores',
      baseline: { name: 'verify 2,000 Ed25519 sigs/s', value: ed },
      goal: '< 1 core',
      met: cpuCores < 1,
    });
    report({
      name: 'bare cost of 2,000 HMAC frame checks/s',
      value: hmac,
      unit: 'cores',
      baseline: { name: 'verify 2,000 Ed25519 sigs/s', value: ed },
    });
    report({
      name: 'API p99 GET /nodes?state=down (under load)',
      value: percentile(loaded.down, 99),
      unit: 'ms',
      baseline: { name: 'heartbeats paused', value: percentile(quiet.down, 99) },
      goal: '≤ 50 ms',
      met: percentile(loaded.down, 99) <= 50,
    });
    report({
      name: 'API p99 GET /nodes/{id} (under load)',
      value: percentile(loaded.one, 99),
      unit: 'ms',
      baseline: { name: 'heartbeats paused', value: percentile(quiet.one, 99) },
      goal: '≤ 50 ms',
      met: percentile(loaded.one, 99) <= 50,
    });
    report({
      name: 'memory per node (kernel + plugin hosts)',
      value: (rssAfter - rssBefore) / Math.max(1, s.connected) / 1024,
      unit: 'KiB',
      baseline: { name: 'RSS before any agent', value: rssBefore / 2 ** 20, unit: 'MiB' },
    });
    report({
      name: 'silent (SIGSTOPped) agent marked down after',
      value: downAfter,
      unit: 's',
      baseline: { name: 'configured downAfterMs', value: settings.spec.downAfterMs / 1000 },
    });
    report({
      name: 'heartbeats lost (sent, no hback within 10 s)',
      value: s.lost,
      unit: 'heartbeats',
      baseline: { name: 'heartbeats sent', value: s.sent, unit: 'heartbeats' },
      goal: '0',
      met: s.lost === 0,
    });
    report({
      name: 'simulated nodes misjudged (not ready)',
      value: misjudged,
      unit: 'nodes',
      baseline: { name: 'simulated nodes', value: all, unit: 'nodes' },
      goal: '0',
      met: misjudged === 0 && s.sessionsEnded === 0,
    });
    report({
      name: 'nodes sustained (connected at the end)',
      value: s.connected,
      unit: 'nodes',
      baseline: { name: 'asked for', value: N, unit: 'nodes' },
      goal: `${N}`,
      met: s.connected === N,
    });
    report({
      name: 'ramp: joins per second, the last 1,000',
      value: s.joinRate.last,
      unit: '/s',
      baseline: { name: 'the first 1,000', value: s.joinRate.first, unit: '/s' },
    });
    report({
      name: 'ramp: joins per second overall',
      value: s.connected / rampSec,
      unit: '/s',
      baseline: { name: 'asked for', value: rampPerSec, unit: '/s' },
    });
    report({
      name: 'handshake attempts that failed and were retried',
      value: s.retries,
      unit: 'attempts',
      baseline: { name: 'joins', value: N, unit: 'joins' },
    });
    if (failures.size > 0) {
      console.log('  handshake failures by message:');
      for (const [message, count] of failures) console.log(`    ${count} × ${message}`);
    }
    report({ name: 'load process CPU (not counted above)', value: s.cpuSec, unit: 's' });
    console.log(
      `  (${ready} nodes ready in all; ${s.window.n} hbacks in the window; sessions ended: ${s.sessionsEnded})`,
    );
    rmSync(hungDir, { recursive: true, force: true });
  } finally {
    cleanup();
    process.off('exit', cleanup);
    await sleep(500);
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
