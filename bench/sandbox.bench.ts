import { readFile, rm } from 'node:fs/promises';
import { serve } from '@hono/node-server';
import type { RouteRequest } from '@omega/protocol';
import autocannon from 'autocannon';
import { Hono } from 'hono';
import { createLogger } from '../kernel/log/index.js';
import { callRoute, createSandbox, type PluginInstance, type Sandbox } from '../kernel/sandbox/index.js';
import { buildHost } from './build-host.js';
import { percentile, report } from './report.js';
import { spawnServer } from './spawn-server.js';

/**
 * The sandbox boundary: capability and call round trips against direct calls, cold start with
 * and without a warm host, idle memory, 20 plugins, crash-to-running time, and one route
 * served through the sandbox against the same handler in-process (each server alone in its
 * own process, autocannon in this one). Hosts run a bundle built here with esbuild, as
 * dist/plugin-host.cjs is (not tsx from source).
 */
const logger = createLogger({ level: 'silent' });
const allowAll = () => {};

const PLUGIN = `export const plugin = {
  routes: {
    async noop() { return null; },
    async echo(req) { return { status: 200, headers: { 'x-plugin': 'bench' }, body: { ok: true, n: Number(req.query.n ?? 0), path: req.path } }; },
    async rt(n, ctx) { for (let i = 0; i < n; i++) await ctx.services.call('bench.stamp', i); return n; },
  },
};`;

const request = (query: Record<string, string>, path = '/echo'): RouteRequest => ({
  method: 'GET',
  path,
  params: {},
  query,
  caller: { kind: 'anonymous', id: '', permissions: [] },
  requestId: 'bench',
  headers: {},
  body: null,
});

/** Server mode: one route, through the sandbox or in-process; prints `{url}` when listening. */
async function runServer(mode: string, entryFile: string): Promise<void> {
  const app = new Hono();
  let sb: Sandbox | undefined;
  if (mode === 'sandbox') {
    sb = createSandbox({ logger, hostEntry: { execArgv: ['--no-node-snapshot'], file: entryFile } });
    const inst = await sb.start({
      name: 'bench',
      version: '1.0.0',
      bundleCode: PLUGIN,
      authorize: allowAll,
      services: { log: logger },
    });
    app.get('/api/v1/bench/echo', async (c) => {
      const r = await callRoute(inst, 'echo', { ...request(c.req.query()), headers: c.req.header() });
      return c.json(r.body as object, r.status as 200, r.headers);
    });
  } else {
    const mod = (await import(`data:text/javascript,${encodeURIComponent(PLUGIN)}`)) as {
      plugin: {
        routes: {
          echo(req: RouteRequest): Promise<{ status: number; headers: Record<string, string>; body: object }>;
        };
      };
    };
    app.get('/api/v1/bench/echo', async (c) => {
      const r = await mod.plugin.routes.echo({ ...request(c.req.query()), headers: c.req.header() });
      return c.json(r.body, r.status as 200, r.headers);
    });
  }
  const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info) => {
    console.log(JSON.stringify({ url: `http://127.0.0.1:${info.port}` }));
  });
  process.on('SIGTERM', () => {
    server.close();
    void (sb?.close() ?? Promise.resolve()).then(() => process.exit(0));
  });
}

async function load(url: string, opts: { connections: number; duration: number; overallRate?: number }) {
  const r = await autocannon({ url, ...opts });
  if (r.non2xx > 0 || r.errors > 0) throw new Error(`${url}: ${r.non2xx} non-2xx, ${r.errors} errors`);
  return { rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99 };
}

/** Latencies (ms) of `call` issued at `rate` per second for `seconds`, open loop (not waiting for answers). */
async function openLoop(rate: number, seconds: number, call: () => Promise<unknown>): Promise<number[]> {
  const lat: number[] = [];
  const n = rate * seconds;
  const t0 = performance.now();
  await new Promise<void>((done) => {
    let sent = 0;
    let got = 0;
    const tick = (): void => {
      const due = Math.min(n, Math.floor(((performance.now() - t0) / 1000) * rate));
      for (; sent < due; sent++) {
        const s = performance.now();
        void call().then(() => {
          lat.push(performance.now() - s);
          if (++got === n) done();
        });
      }
      if (sent < n) setTimeout(tick, 1);
    };
    tick();
  });
  return lat;
}

/** Intervals (µs) between successive calls of `stamp`, over `n` calls driven by `run`. */
async function intervals(n: number, run: (stamp: () => void) => Promise<unknown>): Promise<number[]> {
  const t: bigint[] = [];
  await run(() => t.push(process.hrtime.bigint()));
  return t
    .slice(1)
    .map((v, i) => Number(v - t[i]!) / 1000)
    .slice(Math.floor(n / 10));
}

async function rssOf(pid: number): Promise<number> {
  const text = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => '');
  return Number(/VmRSS:\s+(\d+)/.exec(text)?.[1] ?? 0) * 1024;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function main(): Promise<void> {
  const host = await buildHost();
  const MB = 1024 * 1024;
  const start = (sb: Sandbox, name: string, stamp?: () => void): Promise<PluginInstance> =>
    sb.start({
      name,
      version: '1.0.0',
      bundleCode: PLUGIN,
      authorize: allowAll,
      services: { log: logger, services: { call: async () => stamp?.() ?? null } },
    });

  // ── round trips ──
  let stamp: () => void = () => {};
  const sb = createSandbox({ logger, hostEntry: host.entry, restart: { maxCrashes: 100 } });
  const p = await start(sb, 'bench', () => stamp());
  const N = 20_000;
  const cap = await intervals(N, async (s) => {
    stamp = s;
    await p.invoke('route', 'rt', String(N));
  });
  const direct = async (_i: number) => null;
  const capBase = await intervals(N, async (s) => {
    for (let i = 0; i < N; i++) {
      await direct(i);
      s();
    }
  });
  report({
    name: 'capability round trip p50 (plugin → kernel → plugin)',
    value: percentile(cap, 50),
    unit: 'µs',
    baseline: { name: 'awaited direct async call', value: percentile(capBase, 50) },
    goal: '≤ 50 µs',
    met: percentile(cap, 50) <= 50,
  });
  report({ name: 'capability round trip p99', value: percentile(cap, 99), unit: 'µs' });
  const inv = await intervals(N, async (s) => {
    for (let i = 0; i < N; i++) {
      await p.invoke('route', 'noop', '');
      s();
    }
  });
  report({
    name: 'call into plugin round trip p50 (kernel → plugin → kernel)',
    value: percentile(inv, 50),
    unit: 'µs',
    baseline: { name: 'awaited direct async call', value: percentile(capBase, 50) },
  });
  report({ name: 'call into plugin round trip p99', value: percentile(inv, 99), unit: 'µs' });

  // ── the boundary under paced load (open loop, 1000 calls/s for 4 s) ──
  const echoReq = JSON.stringify({ ...request({ n: '1' }), headers: { host: 'x', 'user-agent': 'y' } });
  const paced = await openLoop(1000, 4, () => p.invoke('route', 'echo', echoReq));
  report({
    name: 'route call via sandbox at 1000 calls/s: p99',
    value: percentile(paced, 99),
    unit: 'ms',
    baseline: { name: 'p50', value: percentile(paced, 50) },
    goal: '≤ 5 ms',
    met: percentile(paced, 99) <= 5,
  });
  const busy = await p.stats();
  await p.dispose();

  // ── idle memory: a fresh plugin, then the one that served the calls above ──
  await sleep(600);
  const idlePlugin = await start(sb, 'idle');
  await sleep(200);
  const idle = await idlePlugin.stats();
  await idlePlugin.dispose();
  report({
    name: 'idle plugin isolate heap used',
    value: idle.heapUsedBytes / MB,
    unit: 'MB',
    goal: '≤ 5 MB',
    met: idle.heapUsedBytes <= 5 * MB,
  });
  report({
    name: 'idle plugin host process RSS',
    value: idle.rssBytes / MB,
    unit: 'MB',
    baseline: { name: 'host after 60k calls', value: busy.rssBytes / MB },
    goal: '≤ 60 MB',
    met: idle.rssBytes <= 60 * MB,
  });

  // ── crash → running (a fresh plugin each time: its first crash, back-off base 100 ms) ──
  const detect: number[] = [];
  const restart: number[] = [];
  for (let i = 0; i < 5; i++) {
    await sleep(600); // let the pool refill its warm host
    const q = await start(sb, `crash-${i}`);
    const t0 = performance.now();
    process.kill(q.status().pid!, 'SIGKILL');
    await q.waitFor(['backoff']);
    detect.push(performance.now() - t0);
    await q.waitFor(['running']);
    restart.push(performance.now() - t0);
    await q.dispose();
  }
  report({ name: 'crash (SIGKILL) detected, p50 of 5', value: percentile(detect, 50), unit: 'ms' });
  report({
    name: 'crash (SIGKILL) to running again, worst of 5',
    value: Math.max(...restart),
    unit: 'ms',
    baseline: { name: 'back-off before the restart', value: 100 },
    goal: '≤ 1000 ms',
    met: Math.max(...restart) <= 1000,
  });

  // ── cold start ──
  const coldWarm: number[] = [];
  for (let i = 0; i < 8; i++) {
    await sleep(600);
    const t0 = performance.now();
    const q = await start(sb, `warm-${i}`);
    coldWarm.push(performance.now() - t0);
    await q.dispose();
  }
  await sb.close();
  const cold = createSandbox({ logger, hostEntry: host.entry, warmHosts: 0 });
  const coldNone: number[] = [];
  for (let i = 0; i < 5; i++) {
    const t0 = performance.now();
    const q = await start(cold, `cold-${i}`);
    coldNone.push(performance.now() - t0);
    await q.dispose();
  }
  await cold.close();
  const cw = percentile(coldWarm, 50);
  report({
    name: 'plugin cold start with a warm host, p50',
    value: cw,
    unit: 'ms',
    baseline: { name: 'without a warm host', value: percentile(coldNone, 50) },
    goal: '≤ 100 ms',
    met: cw <= 100,
  });

  // ── 20 plugins ──
  const many = createSandbox({ logger, hostEntry: host.entry });
  await sleep(600);
  const t20 = performance.now();
  const all = await Promise.all(Array.from({ length: 20 }, (_, i) => start(many, `p${i}`)));
  const startAll = performance.now() - t20;
  let rss = 0;
  for (const q of all) rss += await rssOf(q.status().pid!);
  report({ name: '20 plugins: start all (in parallel)', value: startAll, unit: 'ms' });
  report({
    name: '20 plugins: total host RSS',
    value: rss / MB,
    unit: 'MB',
    baseline: { name: 'kernel process RSS', value: process.memoryUsage().rss / MB },
  });
  await many.close();

  // ── HTTP: one route through the sandbox vs in-process ──
  const self = import.meta.filename;
  const env = { OMEGA_BENCH_HOST: host.entry.file };
  const results: Record<
    string,
    { max: Awaited<ReturnType<typeof load>>; paced: Awaited<ReturnType<typeof load>> }
  > = {};
  for (const mode of ['inproc', 'sandbox']) {
    const server = await spawnServer(self, { ...env, OMEGA_BENCH_SERVE: mode });
    const url = `${server.info.url}/api/v1/bench/echo?n=1`;
    await load(url, { connections: 32, duration: 2 });
    const max = await load(url, { connections: 32, duration: 5 });
    const paced = await load(url, { connections: 10, duration: 5, overallRate: 1000 });
    results[mode] = { max, paced };
    await server.stop();
  }
  const a = results.sandbox!;
  const b = results.inproc!;
  console.log('load: 32 connections × 5 s (max), then 1000 req/s × 5 s (paced), 127.0.0.1');
  report({
    name: 'route via sandbox: throughput',
    value: a.max.rps,
    unit: 'req/s',
    baseline: { name: 'same handler in-process', value: b.max.rps },
    goal: 'ratio ≥ 0.5',
    met: a.max.rps / b.max.rps >= 0.5,
  });
  report({
    name: 'route via sandbox: p50 at max load',
    value: a.max.p50,
    unit: 'ms',
    baseline: { name: 'in-process p50', value: b.max.p50 },
  });
  report({
    name: 'route via sandbox: p99 at max load',
    value: a.max.p99,
    unit: 'ms',
    baseline: { name: 'in-process p99', value: b.max.p99 },
  });
  report({
    name: 'route via sandbox: p99 at 1000 req/s',
    value: a.paced.p99,
    unit: 'ms',
    baseline: { name: 'in-process p99 at 1000 req/s', value: b.paced.p99 },
    goal: '≤ 5 ms',
    met: a.paced.p99 <= 5,
  });
  console.log(
    '(autocannon, kernel and plugin host share 2 cores here; the boundary alone is the figure above)',
  );
  await rm(host.dir, { recursive: true, force: true });
}

if (process.env.OMEGA_BENCH_SERVE)
  await runServer(process.env.OMEGA_BENCH_SERVE, process.env.OMEGA_BENCH_HOST ?? '');
else await main();
