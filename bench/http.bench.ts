import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { ensureWrk, type LoadResult, wrk } from './http-load.js';
import { report } from './report.js';
import { ADMIN_TOKEN, childPids, startOmega } from './servers/start-omega.js';
import { spawnServer } from './spawn-server.js';

/**
 * The kernel's request path against what it could be, all targets in one run (issue #13):
 *
 * - hono with the handler in its own process (servers/bare-hono.ts): the ceiling;
 * - the reference plugin path (servers/reference-plugin.ts): hono → plugin-host child over a
 *   socketpair (frames batched per turn) → isolate, public and with a verified-token cache;
 * - Omega as `npm start` runs it (dist/cli.js, core plugins, default log level, log to a file):
 *   `GET /api/v1/health`, the echo plugin's public route and the same route with a viewer JWT.
 *
 * wrk (one thread, 50 connections) runs each target for OMEGA_BENCH_SECONDS (default 5) s, in
 * 3 interleaved rounds; figures are medians. Each server runs alone in its own process; its CPU
 * use during the load is printed (≈ 100 % of a core: the server is the limit, not wrk). Then:
 * p99 latency at ~1,000 req/s, the kernel's log volume, and the plugin hosts' idle RSS (and the
 * memory only they hold: RSS counts the node binary's shared pages) beside a bare `node -e`.
 */
const SECONDS = Number(process.env.OMEGA_BENCH_SECONDS ?? 5);
const ROUNDS = 3;
const CONNECTIONS = 50;

ensureWrk();
const dir = import.meta.dirname;
console.log('starting: bare hono, reference plugin path, Omega (dist/cli.js start) …');
const hono = await spawnServer(join(dir, 'servers', 'bare-hono.ts'));
const ref = await spawnServer(join(dir, 'servers', 'reference-plugin.ts'));
const omega = await startOmega();

/** CPU time (user + system) of a process so far, ms. */
function cpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(f[11]) + Number(f[12])) * 1000) / 100;
}

interface Target {
  name: string;
  url: string;
  headers?: Record<string, string>;
  /** The server's process; its children (plugin hosts) are measured too. */
  pid: number;
  runs: LoadResult[];
  /** CPU used per run, ms: the server process, and its children. */
  cpu: Array<{ main: number; children: number }>;
}
const pidOf = (s: { info: object }) => (s.info as { pid: number }).pid;
const target = (name: string, url: string, pid: number, headers?: Record<string, string>): Target => ({
  name,
  url,
  pid,
  runs: [],
  cpu: [],
  ...(headers ? { headers } : {}),
});
const bearer = (t: string) => ({ authorization: `Bearer ${t}` });
const targets = {
  honoHealth: target('hono, /health handler in-process', `${hono.info.url}/api/v1/health`, pidOf(hono)),
  honoEcho: target('hono, echo handler in-process', `${hono.info.url}/api/v1/echo/open`, pidOf(hono)),
  refOpen: target('reference plugin path, public', `${ref.info.url}/api/v1/echo/open`, pidOf(ref)),
  refAuth: target(
    'reference plugin path + token cache',
    `${ref.info.url}/api/v1/echo/guarded`,
    pidOf(ref),
    bearer(ref.info.token!),
  ),
  health: target('Omega GET /api/v1/health', `${omega.url}/api/v1/health`, omega.pid),
  open: target('Omega plugin route, public', `${omega.url}/api/v1/echo/open`, omega.pid),
  auth: target('Omega plugin route, JWT', `${omega.url}/api/v1/echo/guarded`, omega.pid, bearer(omega.token)),
};
const all = Object.values(targets);

const logBefore = omega.logBytes();
let omegaRequests = 0;
const run = async (t: Target, seconds: number, record: boolean) => {
  const kids = childPids(t.pid);
  const main0 = cpuMs(t.pid);
  const kids0 = kids.map(cpuMs);
  const r = await wrk(t.url, {
    connections: CONNECTIONS,
    seconds,
    ...(t.headers ? { headers: t.headers } : {}),
  });
  const main = cpuMs(t.pid) - main0;
  const children = kids.map(cpuMs).reduce((sum, x, i) => sum + x - kids0[i]!, 0);
  if (t.url.startsWith(omega.url)) omegaRequests += r.requests;
  if (record) {
    t.runs.push(r);
    t.cpu.push({ main, children });
  }
  return r;
};
console.log(`warm-up: 2 s per target; then ${ROUNDS} rounds × ${all.length} targets × ${SECONDS} s`);
for (const t of all) await run(t, 2, false);
for (let round = 1; round <= ROUNDS; round++) {
  for (const t of all) {
    const r = await run(t, SECONDS, true);
    console.log(
      `  round ${round} ${t.name.padEnd(40)} ${r.rps.toFixed(0).padStart(7)} req/s  p99 ${r.p99.toFixed(2)} ms  cpu ${((t.cpu.at(-1)!.main / (SECONDS * 1000)) * 100).toFixed(0)} %`,
    );
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const rps = (t: Target) => median(t.runs.map((r) => r.rps));
const p99 = (t: Target) => median(t.runs.map((r) => r.p99));

// Paced load: ~1,000 req/s over 10 connections.
const paced: Record<string, LoadResult> = {};
for (const t of [targets.honoEcho, targets.health, targets.open, targets.auth]) {
  paced[t.name] = await wrk(t.url, {
    connections: 10,
    seconds: SECONDS,
    rate: 1000,
    ...(t.headers ? { headers: t.headers } : {}),
  });
  if (t.url.startsWith(omega.url)) omegaRequests += paced[t.name]!.requests;
}
const logBytes = omega.logBytes() - logBefore;

// Idle memory: let the hosts settle after the load, then read their RSS.
await sleep(5000);
const rssMb = (pid: number): number => {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : Number.NaN;
};
/** Memory only this process holds (RSS counts the node binary's pages, shared by every node process). */
const privateMb = (pid: number): number => {
  const text = readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8');
  const kb = (field: string) =>
    Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(text)?.[1] ?? Number.NaN);
  return (kb('Private_Clean') + kb('Private_Dirty')) / 1024;
};
const { items } = (await (
  await fetch(`${omega.url}/api/v1/plugins`, { headers: bearer(ADMIN_TOKEN) })
).json()) as { items: Array<{ name: string; runtime?: { pid?: number } }> };
const hostOf = new Map<number, string>();
for (const p of items) if (p.runtime?.pid) hostOf.set(p.runtime.pid, p.name);
const bare = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1e9)'], { stdio: 'ignore' });
await sleep(1000);
const bareRss = rssMb(bare.pid!);
const barePrivate = privateMb(bare.pid!);
const hosts = omega
  .hostPids()
  .map((pid) => ({ pid, name: hostOf.get(pid) ?? 'warm spare', rss: rssMb(pid), own: privateMb(pid) }));
bare.kill();
await once(bare, 'exit');

await Promise.all([hono.stop(), ref.stop(), omega.stop()]);

console.log(
  `\nwrk: 1 thread, ${CONNECTIONS} connections, ${SECONDS} s per target, medians of ${ROUNDS} interleaved rounds, 127.0.0.1`,
);
/** CPU per request (µs) over all recorded runs: the server process, and with its children. */
const cpuPerRequest = (t: Target) => {
  const requests = t.runs.reduce((sum, r) => sum + r.requests, 0);
  const main = t.cpu.reduce((sum, c) => sum + c.main, 0);
  const children = t.cpu.reduce((sum, c) => sum + c.children, 0);
  return { main: (main * 1000) / requests, all: ((main + children) * 1000) / requests };
};
console.log('server CPU during load (the server process ≈ one core: it is the limit, not wrk):');
for (const t of all) {
  const busy = median(t.cpu.map((c) => c.main)) / (SECONDS * 1000);
  const kids = median(t.cpu.map((c) => c.children)) / (SECONDS * 1000);
  console.log(
    `  ${t.name.padEnd(40)} ${(busy * 100).toFixed(0).padStart(3)} % of a core${kids > 0 ? `, its children ${(kids * 100).toFixed(0)} %` : ''}`,
  );
}
const ratioGoal = (name: string, t: Target, base: Target, goal: number) =>
  report({
    name,
    value: rps(t),
    unit: 'req/s',
    baseline: { name: base.name, value: rps(base) },
    goal: `ratio ≥ ${goal}`,
    met: rps(t) / rps(base) >= goal,
  });
report({ name: targets.honoEcho.name, value: rps(targets.honoEcho), unit: 'req/s' });
ratioGoal('reference plugin path, public', targets.refOpen, targets.honoEcho, 0.6);
ratioGoal('reference plugin path + token cache', targets.refAuth, targets.refOpen, 0.95);
ratioGoal('Omega GET /api/v1/health', targets.health, targets.honoHealth, 0.8);
ratioGoal('Omega plugin route, public', targets.open, targets.honoEcho, 0.6);
ratioGoal('Omega plugin route, public vs reference', targets.open, targets.refOpen, 0.9);
ratioGoal('Omega plugin route, JWT', targets.auth, targets.open, 0.95);
const honoCpu = cpuPerRequest(targets.honoEcho).main;
for (const t of [targets.refOpen, targets.refAuth, targets.health, targets.open, targets.auth]) {
  const c = cpuPerRequest(t);
  report({
    name: `${t.name}: CPU per request, server process`,
    value: c.main,
    unit: 'µs',
    baseline: { name: 'hono in-process', value: honoCpu },
  });
  report({
    name: `${t.name}: CPU per request, with plugin host`,
    value: c.all,
    unit: 'µs',
    baseline: { name: 'hono in-process', value: honoCpu },
  });
}
for (const t of [targets.health, targets.open, targets.auth]) {
  report({
    name: `${t.name} p99 (saturated)`,
    value: p99(t),
    unit: 'ms',
    baseline: { name: 'hono p99', value: p99(targets.honoEcho) },
  });
}
const honoPaced = paced[targets.honoEcho.name]!;
for (const t of [targets.health, targets.open, targets.auth]) {
  const r = paced[t.name]!;
  report({
    name: `${t.name} p99 at ${r.rps.toFixed(0)} req/s`,
    value: r.p99,
    unit: 'ms',
    baseline: { name: `hono p99 at ${honoPaced.rps.toFixed(0)} req/s`, value: honoPaced.p99 },
    goal: '≤ 1 ms on a quiet machine',
    met: r.p99 <= 1,
  });
}
const perRequest = logBytes / omegaRequests;
report({
  name: 'Omega log bytes per request (default level)',
  value: perRequest,
  unit: 'B',
});
report({
  name: 'Omega log volume at 1,000 req/s for a day',
  value: (perRequest * 1000 * 86_400) / 1e6,
  unit: 'MB',
});
for (const h of hosts) {
  report({
    name: `plugin host RSS, idle after load (${h.name})`,
    value: h.rss,
    unit: 'MB',
    baseline: { name: 'bare node -e', value: bareRss },
    goal: '≤ 50 MB',
    met: h.rss <= 50,
  });
  report({
    name: `plugin host private memory, idle after load (${h.name})`,
    value: h.own,
    unit: 'MB',
    baseline: { name: 'bare node -e', value: barePrivate },
  });
}
