import { type ChildProcess, fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { WebSocket } from 'ws';
import { compilePattern, createEventBus, splitTopic } from '../kernel/bus/index.js';
import { createLogger } from '../kernel/log/index.js';
import { attachEventsGateway } from '../kernel/ws/index.js';
import { percentile, report } from './report.js';

/**
 * WebSocket fan-out: a real HTTP server + events gateway + bus in this process, N `ws`
 * clients in a child process (the same file, role `clients`) so they do not share the
 * server's event loop. 127.0.0.1 only; every phase is bounded and the bench stops itself.
 *
 * - steady: after 3 warm-up events at 1 Hz (JIT; their lag is printed apart, as the cold
 *   figure), publish one event per second for 10 s; delivered/expected and lag
 *   (client receive time − event.time, same machine clock, sub-ms via performance.now).
 * - burst: publish as fast as the slowest client keeps up for 3 s (end-to-end flow control:
 *   at most WINDOW events outstanding per client, progress reported every 2 ms, so the
 *   1-client baseline is capped near WINDOW / 2 ms), then count deliveries. Burst lag is
 *   mostly that window's queueing, not the gateway's.
 * Run for 1 client (baseline) and 1,000 clients.
 *
 * First, in-process: the bus's publish cost with 10,000 exact-topic subscriptions plus 100
 * wildcard ones, beside a naive bus that tests every pattern on every publish.
 */

const CLIENTS = 1_000;
const WARMUP_EVENTS = 3;
const STEADY_EVENTS = 10;
const STEADY_INTERVAL_MS = 1_000;
const BURST_MS = 3_000;
const WINDOW = 100;
const LAG_SAMPLE_EVERY = 20; // burst: record lag for one client in 20 (memory stays small)
const clock = (): number => performance.timeOrigin + performance.now();

/** `stats` answers and resets; lags are then recorded for one client in `sampleEvery`. */
type ToChild = { cmd: 'stats'; sampleEvery: number } | { cmd: 'progress'; on: boolean } | { cmd: 'stop' };
type FromChild =
  | { type: 'ready' }
  | { type: 'progress'; received: number }
  | { type: 'stats'; received: number; resyncs: number; closed: number; lags: number[]; cpuPct: number };

if (process.argv[2] === 'clients') await runClients();
else await main();

// ── child: the clients ─────────────────────────────────────────────────────────────────────
async function runClients(): Promise<void> {
  const url = process.env.OMEGA_BENCH_URL!;
  const token = process.env.OMEGA_BENCH_TOKEN!;
  const n = Number(process.env.OMEGA_BENCH_CLIENTS);
  const sockets: WebSocket[] = [];
  let received = 0;
  let resyncs = 0;
  let closed = 0;
  let lags: number[] = [];
  let sampleEvery = 1;
  let cpu0 = process.cpuUsage();
  let t0 = clock();
  let progress: NodeJS.Timeout | undefined;
  const send = (m: FromChild): void => void process.send!(m);

  const open = (i: number): Promise<void> =>
    new Promise((resolve, reject) => {
      const ws = new WebSocket(url, { headers: { authorization: `Bearer ${token}` } });
      sockets.push(ws);
      ws.on('error', reject);
      ws.on('close', () => void closed++);
      ws.on('message', (raw) => {
        const at = clock();
        const f = JSON.parse(String(raw)) as { type: string; time: number };
        if (f.type === 'event') {
          received++;
          if (i % sampleEvery === 0) lags.push(at - f.time);
        } else if (f.type === 'hello') resolve();
        else if (f.type === 'resync') resyncs++;
      });
    });
  for (let i = 0; i < n; i += 50) {
    await Promise.all(Array.from({ length: Math.min(50, n - i) }, (_, k) => open(i + k)));
  }
  process.on('message', (m: ToChild) => {
    if (m.cmd === 'stats') {
      const cpu = process.cpuUsage(cpu0);
      const cpuPct = ((cpu.user + cpu.system) / 1000 / (clock() - t0)) * 100;
      send({ type: 'stats', received, resyncs, closed, lags, cpuPct });
      cpu0 = process.cpuUsage();
      t0 = clock();
      received = 0;
      lags = [];
      sampleEvery = m.sampleEvery;
    } else if (m.cmd === 'progress') {
      clearInterval(progress);
      if (m.on) progress = setInterval(() => send({ type: 'progress', received }), 2);
    } else {
      clearInterval(progress);
      for (const ws of sockets) ws.terminate();
      process.disconnect();
    }
  });
  send({ type: 'ready' });
}

// ── parent: server, gateway, bus, publisher ────────────────────────────────────────────────
interface Phase {
  expected: number;
  received: number;
  resyncs: number;
  lags: number[];
  cpuPct: number;
  durationMs: number;
  published: number;
  warmupLagMax?: number;
  clientCpuPct: number;
}
interface ScenarioResult {
  steady: Phase;
  burst: Phase;
}

async function main(): Promise<void> {
  console.log(`ws fan-out: node ${process.version}, clients in a child process, 127.0.0.1`);
  busFanout();
  const one = await scenario(1);
  const many = await scenario(CLIENTS);

  const lagLine = (name: string, p: number, goal?: string) => {
    const v = percentile(many.steady.lags, p);
    const b = percentile(one.steady.lags, p);
    return report({
      name: `1 Hz, ${CLIENTS} clients: lag ${name}`,
      value: v,
      unit: 'ms',
      baseline: { name: '1 client', value: b },
      ...(goal ? { goal, met: v <= 100 } : {}),
    });
  };
  report({
    name: `1 Hz, ${CLIENTS} clients: delivered/expected`,
    value: many.steady.received / many.steady.expected,
    unit: `(${many.steady.received}/${many.steady.expected}, resyncs ${many.steady.resyncs})`,
    baseline: { name: '1 client', value: one.steady.received / one.steady.expected, unit: '' },
    goal: '= 1',
    met: many.steady.received === many.steady.expected,
  });
  lagLine('p50', 50);
  lagLine('p99', 99, 'p99 ≤ 100 ms');
  lagLine('max', 100);
  report({
    name: `1 Hz, ${CLIENTS} clients: lag max of the ${WARMUP_EVENTS} warm-up events`,
    value: many.steady.warmupLagMax ?? Number.NaN,
    unit: 'ms',
    baseline: { name: '1 client', value: one.steady.warmupLagMax ?? Number.NaN },
  });
  report({
    name: `1 Hz, ${CLIENTS} clients: server process CPU`,
    value: many.steady.cpuPct,
    unit: '% of a core',
    baseline: { name: '1 client', value: one.steady.cpuPct },
  });
  const rate = (p: Phase) => p.published / (p.durationMs / 1000);
  report({
    name: `burst, ${CLIENTS} clients: events/s (each to all)`,
    value: rate(many.burst),
    unit: 'events/s',
    baseline: { name: '1 client', value: rate(one.burst) },
  });
  report({
    name: `burst, ${CLIENTS} clients: frames delivered/s`,
    value: many.burst.received / (many.burst.durationMs / 1000),
    unit: 'frames/s',
    baseline: { name: '1 client', value: one.burst.received / (one.burst.durationMs / 1000) },
  });
  report({
    name: `burst, ${CLIENTS} clients: delivered/expected`,
    value: many.burst.received / many.burst.expected,
    unit: `(resyncs ${many.burst.resyncs})`,
    baseline: { name: '1 client', value: one.burst.received / one.burst.expected, unit: '' },
  });
  report({
    name: `burst, ${CLIENTS} clients: server process CPU`,
    value: many.burst.cpuPct,
    unit: '% of a core',
    baseline: { name: '1 client', value: one.burst.cpuPct },
  });
  report({
    name: `burst, ${CLIENTS} clients: client process CPU (incl. drain)`,
    value: many.burst.clientCpuPct,
    unit: '% of a core',
    baseline: { name: '1 client', value: one.burst.clientCpuPct },
  });
  report({
    name: `burst, ${CLIENTS} clients: lag p99 (sampled clients)`,
    value: percentile(many.burst.lags, 99),
    unit: 'ms',
    baseline: { name: '1 client', value: percentile(one.burst.lags, 99) },
  });
  process.exit(0);
}

function busFanout(): void {
  const SUBS = 10_000;
  const PUBLISHES = 200_000;
  const bus = createEventBus({ replayMaxEvents: 1_000, replayMaxAgeMs: 60_000, subscriberQueueMax: 1_000 });
  const patterns: string[] = [];
  for (let i = 0; i < SUBS; i++) patterns.push(`nodes.n${i}.updated`);
  for (let i = 0; i < 100; i++) patterns.push(`metrics.m${i}.*`);
  let delivered = 0;
  for (const p of patterns)
    bus.subscribe([p], (b) => {
      delivered += b.length;
    });
  const topics = Array.from({ length: 1_000 }, (_, i) => `nodes.n${(i * 7919) % SUBS}.updated`);
  const run = (count: number, fn: (topic: string) => void): number => {
    for (let i = 0; i < count / 10; i++) fn(topics[i % topics.length]!); // warm-up
    const t = performance.now();
    for (let i = 0; i < count; i++) fn(topics[i % topics.length]!);
    return ((performance.now() - t) * 1e6) / count;
  };
  const data = { cpu: 0.5 };
  const indexed = run(PUBLISHES, (topic) => void bus.publish(topic, data));
  const compiled = patterns.map(compilePattern);
  let hits = 0;
  const naive = run(PUBLISHES / 100, (topic) => {
    const segs = splitTopic(topic);
    for (const c of compiled) if (c.matches(segs)) hits++;
  });
  report({
    name: `bus publish, ${SUBS} exact + 100 wildcard subscriptions`,
    value: indexed,
    unit: 'ns/publish',
    baseline: { name: 'scan every pattern (matching only)', value: naive },
  });
  bus.close();
  if (hits === 0 || delivered < 0) console.log('unexpected: no match');
}

async function scenario(n: number): Promise<ScenarioResult> {
  const token = randomBytes(16).toString('hex');
  const logger = createLogger({ level: 'warn' });
  const bus = createEventBus({
    replayMaxEvents: 10_000,
    replayMaxAgeMs: 5 * 60_000,
    subscriberQueueMax: 1_000,
    now: clock,
    logger,
  });
  const server = createServer((_req, res) => res.writeHead(404).end());
  const gateway = attachEventsGateway({
    server,
    bus,
    logger,
    pingIntervalMs: 30_000,
    maxBufferedBytes: 4 * 1024 * 1024,
    authenticate: async (req) => (req.headers.authorization === `Bearer ${token}` ? { user: 'bench' } : null),
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', 2048, r));
  const { port } = server.address() as AddressInfo;

  const child = fork(fileURLToPath(import.meta.url), ['clients'], {
    execArgv: process.execArgv,
    env: {
      ...process.env,
      OMEGA_BENCH_URL: `ws://127.0.0.1:${port}/api/v1/events?topics=bench.tick`,
      OMEGA_BENCH_TOKEN: token,
      OMEGA_BENCH_CLIENTS: String(n),
    },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const kill = setTimeout(() => {
    console.error('ws-fanout: child did not finish in time; stopping');
    child.kill('SIGKILL');
    process.exit(1);
  }, 120_000);
  const t0 = clock();
  await nextMessage(child, 'ready');
  console.log(
    `  ${n} client(s) connected in ${(clock() - t0).toFixed(0)} ms (server sees ${gateway.clientCount()})`,
  );
  const payload = { node: 'n0001', cpu: 0.42, mem: 0.61, load: [0.5, 0.4, 0.3] };

  // warm-up: 3 events at 1 Hz, reported apart (a kernel that just started pays this once)
  for (let i = 0; i < WARMUP_EVENTS; i++) {
    bus.publish('bench.tick', { ...payload, i });
    await sleep(STEADY_INTERVAL_MS);
  }
  child.send({ cmd: 'stats', sampleEvery: 1 } satisfies ToChild);
  const w = await nextMessage(child, 'stats');

  // steady: 1 Hz for 10 s
  let cpu0 = process.cpuUsage();
  let start = clock();
  for (let i = 0; i < STEADY_EVENTS; i++) {
    bus.publish('bench.tick', { ...payload, i });
    await sleep(STEADY_INTERVAL_MS);
  }
  let durationMs = clock() - start;
  let cpu = process.cpuUsage(cpu0);
  child.send({ cmd: 'stats', sampleEvery: Math.min(n, LAG_SAMPLE_EVERY) } satisfies ToChild);
  const s = await nextMessage(child, 'stats');
  const warmupLagMax = percentile(w.lags, 100);
  const steady: Phase = {
    expected: STEADY_EVENTS * n,
    received: s.received,
    resyncs: s.resyncs + s.closed,
    lags: s.lags,
    cpuPct: ((cpu.user + cpu.system) / 1000 / durationMs) * 100,
    durationMs,
    published: STEADY_EVENTS,
    warmupLagMax,
    clientCpuPct: s.cpuPct,
  };

  // burst: as fast as the slowest client keeps up, for 3 s
  let received = 0;
  let wake: (() => void) | undefined;
  const onProgress = (m: FromChild) => {
    if (m.type !== 'progress') return;
    received = m.received;
    wake?.();
  };
  child.on('message', onProgress);
  child.send({ cmd: 'progress', on: true } satisfies ToChild);
  let published = 0;
  cpu0 = process.cpuUsage();
  start = clock();
  while (clock() - start < BURST_MS) {
    const outstanding = published - received / n;
    const room = Math.min(50, Math.floor(WINDOW - outstanding));
    for (let k = 0; k < room; k++) bus.publish('bench.tick', { ...payload, i: published++ });
    // window full: sleep until the clients report progress (no busy loop stealing their core)
    if (room <= 0) await new Promise<void>((r) => (wake = r));
    else await new Promise<void>((r) => setImmediate(r));
    wake = undefined;
  }
  durationMs = clock() - start;
  cpu = process.cpuUsage(cpu0);
  for (let i = 0; i < 1000 && received < published * n; i++) await sleep(10); // drain, bounded
  child.send({ cmd: 'progress', on: false } satisfies ToChild);
  child.off('message', onProgress);
  child.send({ cmd: 'stats', sampleEvery: 1 } satisfies ToChild);
  const b = await nextMessage(child, 'stats');
  const burst: Phase = {
    expected: published * n,
    received: b.received,
    resyncs: b.resyncs + b.closed,
    lags: b.lags,
    cpuPct: ((cpu.user + cpu.system) / 1000 / durationMs) * 100,
    durationMs,
    published,
    clientCpuPct: b.cpuPct,
  };

  child.send({ cmd: 'stop' } satisfies ToChild);
  await new Promise<void>((r) => (child.exitCode !== null ? r() : child.once('exit', () => r())));
  clearTimeout(kill);
  await gateway.close();
  bus.close();
  server.closeAllConnections();
  await new Promise<void>((r) => server.close(() => r()));
  return { steady, burst };
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

function nextMessage<T extends FromChild['type']>(
  child: ChildProcess,
  type: T,
): Promise<Extract<FromChild, { type: T }>> {
  return new Promise((resolve, reject) => {
    const onMessage = (m: FromChild) => {
      if (m.type !== type) return;
      child.off('message', onMessage);
      child.off('exit', onExit);
      resolve(m as Extract<FromChild, { type: T }>);
    };
    const onExit = (code: number | null) =>
      reject(new Error(`client process exited (${code}) before '${type}'`));
    child.on('message', onMessage);
    child.once('exit', onExit);
  });
}
