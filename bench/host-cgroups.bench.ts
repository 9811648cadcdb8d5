import { rm } from 'node:fs/promises';
import { serve } from '@hono/node-server';
import type { RouteRequest } from '@omega/protocol';
import autocannon from 'autocannon';
import { Hono } from 'hono';
import { createLogger } from '../kernel/log/index.js';
import { callRoute, createSandbox, type HostEntry } from '../kernel/sandbox/index.js';
import { buildHost } from './build-host.js';
import { report } from './report.js';
import { spawnServer } from './spawn-server.js';

/**
 * What a host's cgroup costs a plugin route: the same route served with the host in no cgroup
 * (the CPU credit's fallback), in a cgroup whose CPU cap does not bind (4 cores: the accounting
 * and migration alone), and in a cgroup at the default share (500m: the cap binds when the
 * host wants more), each server alone in its own process, autocannon in this one. Then how
 * long a non-yielding spin runs before its host is stopped, against the 5 s call deadline that
 * stopped it before. Needs root for the cgroup modes (they fall back to `none` otherwise, and
 * say so).
 */
const ROUNDS = 3;
const logger = createLogger({ level: 'silent' });

const PLUGIN = `export const plugin = {
  routes: {
    async echo(req) { return { status: 200, body: { ok: true, n: Number(req.query.n ?? 0) } }; },
    async spin() { for (;;) {} },
  },
};`;

const request = (query: Record<string, string>, path: string): RouteRequest => ({
  method: 'GET',
  path,
  params: {},
  query,
  caller: { kind: 'anonymous', id: '', permissions: [] },
  requestId: 'bench',
  headers: {},
  body: null,
});

type Mode = 'none' | 'cgroup-4000m' | 'cgroup-500m';

/** Server mode: the echo route through a sandbox configured as `mode`; prints `{url}` when listening. */
async function runServer(mode: Mode, entryFile: string): Promise<void> {
  const sb = createSandbox({
    logger,
    hostEntry: { execArgv: ['--no-node-snapshot'], file: entryFile },
    ...(mode === 'none' ? { cgroups: { mode: 'none' as const } } : {}),
  });
  const inst = await sb.start({
    name: 'bench',
    version: '1.0.0',
    bundleCode: PLUGIN,
    limits: { cpuMillicores: mode === 'cgroup-500m' ? 500 : 4000 },
    authorize: () => {},
    services: { log: logger },
  });
  const app = new Hono();
  app.get('/api/v1/bench/echo', async (c) => {
    const r = await callRoute(inst, 'echo', request(c.req.query(), '/echo'));
    return c.json(r.body as object, r.status as 200);
  });
  const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info) => {
    console.log(
      JSON.stringify({ url: `http://127.0.0.1:${info.port}`, cgroup: inst.status().containment.cgroup }),
    );
  });
  process.on('SIGTERM', () => {
    server.close();
    void sb.close().then(() => process.exit(0));
  });
}

async function load(url: string, opts: { connections: number; duration: number }) {
  const r = await autocannon({ url, ...opts });
  if (r.non2xx > 0 || r.errors > 0) throw new Error(`${url}: ${r.non2xx} non-2xx, ${r.errors} errors`);
  return { rps: r.requests.average, p99: r.latency.p99 };
}

/** ms from calling a spinning route until the call fails because its host was stopped. */
async function spinStop(entry: HostEntry, spinMs: number | undefined): Promise<number> {
  const sb = createSandbox({ logger, hostEntry: entry, warmHosts: 0 });
  const inst = await sb.start({
    name: 'spin',
    version: '1.0.0',
    bundleCode: PLUGIN,
    limits: { callTimeoutMs: 5_000, ...(spinMs ? { spinMs } : {}) },
    authorize: () => {},
    services: { log: logger },
  });
  const t0 = performance.now();
  await callRoute(inst, 'spin', request({}, '/spin')).catch(() => {});
  const ms = performance.now() - t0;
  await sb.close();
  return ms;
}

async function main(): Promise<void> {
  const host = await buildHost();
  const self = import.meta.filename;
  // Rounds in rotating order, medians: the machine is shared and its load drifts within a run.
  const modes = ['none', 'cgroup-4000m', 'cgroup-500m'] as const;
  const runs: Record<Mode, Array<Awaited<ReturnType<typeof load>>>> = {
    none: [],
    'cgroup-4000m': [],
    'cgroup-500m': [],
  };
  for (let round = 0; round < ROUNDS; round++) {
    for (let i = 0; i < modes.length; i++) {
      const mode = modes[(i + round) % modes.length]!;
      const server = await spawnServer(self, { OMEGA_BENCH_SERVE: mode, OMEGA_BENCH_HOST: host.entry.file });
      const url = `${server.info.url}/api/v1/bench/echo?n=1`;
      if (round === 0) console.log(`${mode}: host cgroup ${(server.info as { cgroup?: string }).cgroup}`);
      await load(url, { connections: 32, duration: 1 });
      runs[mode].push(await load(url, { connections: 32, duration: 4 }));
      await server.stop();
    }
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const results = {} as Record<Mode, { rps: number; p99: number }>;
  for (const m of modes)
    results[m] = { rps: median(runs[m].map((r) => r.rps)), p99: median(runs[m].map((r) => r.p99)) };
  console.log(
    `load: 32 connections × 4 s per mode, ${ROUNDS} rounds in rotating order (medians), 127.0.0.1, kernel and host share 2 cores`,
  );
  const none = results.none;
  for (const mode of ['cgroup-4000m', 'cgroup-500m'] as const) {
    report({
      name: `route, host in ${mode}: throughput`,
      value: results[mode].rps,
      unit: 'req/s',
      baseline: { name: 'host in no cgroup', value: none.rps },
    });
    report({
      name: `route, host in ${mode}: p99`,
      value: results[mode].p99,
      unit: 'ms',
      baseline: { name: 'host in no cgroup', value: none.p99 },
    });
  }
  const watched = await spinStop(host.entry, undefined);
  const deadlineOnly = await spinStop(host.entry, 600_000);
  report({
    name: 'non-yielding spin: stopped after',
    value: watched,
    unit: 'ms',
    baseline: { name: 'the 5 s call deadline alone (watchdog off)', value: deadlineOnly },
    goal: '≤ 1500 ms',
    met: watched <= 1500,
  });
  await rm(host.dir, { recursive: true, force: true });
}

if (process.env.OMEGA_BENCH_SERVE)
  await runServer(process.env.OMEGA_BENCH_SERVE as Mode, process.env.OMEGA_BENCH_HOST ?? '');
else await main();
