import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { wrk } from './http-load.js';
import { summarizeCallGraph } from './http-profile-callgraph.js';
import { summarizePerf, summarizeProfile } from './profile-summary.js';
import { childPids, startOmega } from './servers/start-omega.js';

/**
 * Profiles a server under load on one of the HTTP bench's targets, for reading where its CPU
 * goes (issue #13): `node --conditions=source --import tsx bench/http-profile.ts <target> [dir]`
 * (after `npx tsup`; dir defaults to $TMPDIR/omega-cpu-profiles). Targets: `health`, `open`
 * (public plugin route), `guarded` (JWT route) start Omega as http.bench.ts does, with
 * `--cpu-prof`; `ref-open` and `ref-guarded` profile the reference plugin path
 * (servers/reference-plugin.ts) the same way, so the two can be diffed line by line, and
 * `hono` profiles bare hono's /health (servers/bare-hono.ts), the floor of the kernel's common
 * request path, and `app` the kernel's HTTP app alone on its own server (servers/kernel-app.ts),
 * so `hono`, `app` and `health` split the kernel's /health into the app's and the process's share. Warms up
 * 2 s, loads the target with wrk (50 connections, OMEGA_BENCH_SECONDS, default 8 s), stops the
 * server gracefully, prints the .cpuprofile it wrote (Chrome DevTools, Performance tab) and
 * its summary in µs of sampled time per request (see summarizeProfile; OMEGA_BENCH_TOP functions,
 * default 25). OMEGA_BENCH_PROF_INTERVAL sets the sampling interval in µs (default V8's 1000).
 * OMEGA_BENCH_PERF=1 samples with Linux `perf record -e cpu-clock` instead (the server runs with
 * `--perf-basic-prof`; needs `perf`, Debian package linux-perf, and root or perf_event_paranoid ≤ 0):
 * CPU actually run by the server's main thread, not wall time — on a loaded machine a
 * .cpuprofile's samples also count the time the thread waited for a core (see summarizePerf).
 * OMEGA_BENCH_PERF=graph records call graphs too (`perf record -g`; the server adds
 * `--interpreted-frames-native-stack`) and prints inclusive CPU per request
 * (http-profile-callgraph.ts): for each of OMEGA_BENCH_ROOTS (comma-separated substrings of
 * symbols, e.g. `JS:*writeDirect,JS:*handler dist/`) what it spent and in which callee, or without
 * roots the bundle's functions by inclusive CPU — the µs accounting of a route, re-takeable.
 * OMEGA_BENCH_ROOT=<another built checkout> profiles that checkout's kernel instead (Omega
 * targets), for a before/after of the same functions.
 */
const TARGETS = ['health', 'open', 'guarded', 'ref-open', 'ref-guarded', 'hono', 'app'];
const target = process.argv[2] ?? 'open';
if (!TARGETS.includes(target)) {
  console.error(`unknown target "${target}": use one of ${TARGETS.join(', ')}`);
  process.exit(2);
}
const dir = process.argv[3] ?? join(tmpdir(), 'omega-cpu-profiles');
mkdirSync(dir, { recursive: true });
const before = new Set(readdirSync(dir));
const seconds = Number(process.env.OMEGA_BENCH_SECONDS ?? 8);
// OMEGA_BENCH_PROF_INTERVAL: µs between samples (V8's default 1000); smaller resolves sub-µs functions.
const interval = process.env.OMEGA_BENCH_PROF_INTERVAL;
const usePerf = process.env.OMEGA_BENCH_PERF === '1' || process.env.OMEGA_BENCH_PERF === 'graph';
const callGraph = process.env.OMEGA_BENCH_PERF === 'graph';
/** perf's sampling rate, Hz. */
const PERF_HZ = 4000;
const profileFlags = usePerf
  ? ['--perf-basic-prof', ...(callGraph ? ['--interpreted-frames-native-stack'] : [])]
  : ['--cpu-prof', `--cpu-prof-dir=${dir}`, ...(interval ? [`--cpu-prof-interval=${interval}`] : [])];

let server: { url: string; token: string; pid: number; stop: () => Promise<void> };
const scripts: Record<string, string> = { hono: 'bare-hono.ts', app: 'kernel-app.ts' };
if (target.startsWith('ref-') || scripts[target]) {
  // Spawned here, not with spawnServer: --cpu-prof is refused in NODE_OPTIONS.
  const child = spawn(
    process.execPath,
    [
      ...profileFlags,
      '--conditions=source',
      '--import',
      'tsx',
      join(import.meta.dirname, 'servers', scripts[target] ?? 'reference-plugin.ts'),
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const lines = createInterface({ input: child.stdout! });
  const [line] = (await once(lines, 'line')) as [string];
  lines.close();
  child.stdout!.resume();
  const info = JSON.parse(line) as { url: string; token?: string; pid: number };
  server = {
    ...info,
    token: info.token ?? '',
    stop: async () => {
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      await exited;
    },
  };
} else {
  // OMEGA_BENCH_ROOT: profile another built checkout's kernel (e.g. /work/before-s12) the same way.
  const root = process.env.OMEGA_BENCH_ROOT;
  const k = await startOmega({ nodeArgs: profileFlags, ...(root ? { root } : {}) });
  server = { url: k.url, token: k.token, pid: k.pid, stop: () => k.stop() };
}
const route = scripts[target] ? 'health' : target.replace(/^ref-/, '');
const headers = route === 'guarded' ? { authorization: `Bearer ${server.token}` } : undefined;
const url = route === 'health' ? `${server.url}/api/v1/health` : `${server.url}/api/v1/echo/${route}`;
let requests = 0;
/** Symbol maps of the server's children (OMEGA_BENCH_PERF), removed once it stopped. */
const childMaps: string[] = [];
try {
  await wrk(url, { connections: 50, seconds: 2, ...(headers ? { headers } : {}) });
  // perf records the main thread (-t: its tid is the pid) for the load's length.
  const perfFile = join(dir, `perf-${target}-${server.pid}.data`);
  const perf = usePerf
    ? spawn(
        'perf',
        [
          'record',
          '-q',
          ...(callGraph ? ['-g'] : []),
          '-e',
          'cpu-clock',
          '-F',
          String(PERF_HZ),
          '-t',
          String(server.pid),
          '-o',
          perfFile,
        ],
        { stdio: 'inherit' },
      )
    : undefined;
  const r = await wrk(url, { connections: 50, seconds, ...(headers ? { headers } : {}) });
  if (perf) {
    const done = once(perf, 'exit');
    perf.kill('SIGINT');
    await done;
    console.log(`perf: ${perfFile}`);
    const top = Number(process.env.OMEGA_BENCH_TOP ?? 25);
    for (const line of summarizePerf(perfFile, PERF_HZ, r.requests, top)) console.log(`  ${line}`);
    if (callGraph) {
      const roots = process.env.OMEGA_BENCH_ROOTS?.split(',').filter(Boolean) ?? [];
      for (const line of summarizeCallGraph(perfFile, PERF_HZ, r.requests, roots, top))
        console.log(`  ${line}`);
    }
    // --perf-basic-prof's symbol map, read by the report above; not left in /tmp.
    rmSync(`/tmp/perf-${server.pid}.map`, { force: true });
    // Children that inherit the flag (the kernel's local agent) write one too: removed after the stop.
    for (const child of childPids(server.pid)) childMaps.push(`/tmp/perf-${child}.map`);
  }
  requests = usePerf ? 0 : r.requests;
  console.log(
    `${url}: ${r.requests} requests in ${seconds} s (${r.rps.toFixed(0)} req/s) under the profiler`,
  );
} finally {
  await server.stop();
  for (const map of childMaps) rmSync(map, { force: true });
}
const written = readdirSync(dir).filter((f) => !before.has(f));
for (const f of written) console.log(`profile: ${join(dir, f)}`);
// The server's own main thread: CPU.<date>.<time>.<pid>.0.<seq>.cpuprofile (the largest if the pid is unknown).
const main =
  written.find((f) => f.includes(`.${server.pid}.0.`)) ??
  written.sort((a, b) => statSync(join(dir, b)).size - statSync(join(dir, a)).size)[0];
if (main && requests > 0) {
  console.log(`summary of ${main}:`);
  const top = Number(process.env.OMEGA_BENCH_TOP ?? 25);
  for (const line of summarizeProfile(join(dir, main), requests, seconds, top)) console.log(`  ${line}`);
}
