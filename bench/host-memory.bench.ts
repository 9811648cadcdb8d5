import { execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { PassThrough } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Plugin } from 'esbuild';
import { createLogger } from '../kernel/log/index.js';
import { createPermissionGate } from '../kernel/permissions/index.js';
import { SETTLE_IDLE_MS } from '../kernel/sandbox/host/create-idle-settle.js';
import {
  callRoute,
  createSandbox,
  type HostEntry,
  type PluginInstance,
  type Sandbox,
} from '../kernel/sandbox/index.js';
import { HOST_MALLOC_ENV, HOST_NODE_FLAGS } from '../kernel/sandbox/spawn-host.js';
import { watchSpins } from '../kernel/sandbox/spin-watch.js';
import { createFrameWriter, FrameType } from '../kernel/sandbox/wire/index.js';
import { buildHost } from './build-host.js';
import { privateMb, rssMb } from './http-proc.js';
import { percentile, report } from './report.js';
import { sampleMemory, unitWithRange } from './sample-memory.js';
import { ADMIN_TOKEN, type OmegaUnderTest, startOmega } from './servers/start-omega.js';

/**
 * Issue #13's goal "an idle plugin host ≤ 50 MB RSS", quickly (no wrk, no HTTP): plugin hosts
 * started by the real sandbox from the host bundle as dist/plugin-host.cjs is built (esbuild, not
 * tsx), a burst of route calls on a trivial plugin, IDLE_S s idle, then the RSS of: the trivial
 * plugin's host, a host that loaded a core plugin's bundle (plugins/security/dist/plugin.js: the
 * largest; `npm run build:plugins` first, else it is left out) and the warm spare — each beside
 * bare node processes measured in the same run: `node --no-node-snapshot -e` (how hosts start),
 * `node -e`, and `node --no-node-snapshot` + one Worker (the shape of the spin watcher each host
 * ran until the watch moved into the kernel). RSS counts the node binary's shared file pages
 * (RssFile, ~35–40 MB); RssAnon / private MB are what a host adds.
 *
 * The same bundle also runs with the V8 flags hosts had before this round (`--short-builtin-calls`
 * appended, which overrides spawnHost's `--no-short-builtin-calls`), in the same run and
 * interleaved, as the before/after baseline. With OMEGA_BENCH_BEFORE=<another checkout with a
 * built dist/plugin-host.cjs or .js> that bundle runs too, with the old V8 flags (spinMs raised: an
 * old host reports no progress).
 * For the echo host and the bare node process, RSS is also split by mapping (node's text and
 * read-only data, shared libraries, the malloc heap, anonymous memory: V8 heaps, arenas, stacks),
 * and each host's isolate heap is printed (isolate.getHeapStatistics via the STATS frame).
 *
 * Also the cost of the kernel's spin accounting on a call: ns per call of `sent` + `progress`
 * beside the CALL frame's own `writer.send` (same run), and per variant: the kernel's and the
 * plugin host's CPU µs per route call (the host's from its threads' schedstat), and the host CPU ms
 * per call of a plugin route doing plain compute (`work`, run after the idle RSS was read), each
 * beside the default flags' figure: what a V8 flag saves in memory it must not cost in speed.
 * OMEGA_BENCH_HOST_FLAGS='--flag-a --flag-b|--flag-c' adds one variant per `|`-separated set
 * (appended to the host's node flags), in the same run and interleaved.
 */
const CALLS = Number(process.env.OMEGA_BENCH_CALLS ?? 5000);
const CONCURRENCY = 16;
/** Seconds of idle after the burst before the RSS is read: past a host's settle (6 s of idle). */
const IDLE_S = 9;
const BEFORE = process.env.OMEGA_BENCH_BEFORE;
const SECURITY = join(import.meta.dirname, '..', 'plugins', 'security', 'dist', 'plugin.js');

/**
 * The trivial plugin, plus `work`: plain plugin compute (objects, arrays, strings, JSON, numbers),
 * called only after the idle RSS is read, to show what each variant's V8 flags cost in plugin speed.
 */
const ECHO = `export const plugin = { routes: {
  async hello() { return { status: 200, body: { hello: 'world' } }; },
  now() { return { status: 200, body: { hello: 'world' } }; },
  async cancel(_req, ctx) { await ctx.timers.cancel(1); return { status: 200, body: { hello: 'world' } }; },
  async work() {
    const rows = [];
    for (let i = 0; i < 2000; i++) rows.push({ id: i, name: 'node-' + (i % 97), load: (i * 7919) % 1000 / 10, tags: ['a' + (i % 5), 'b'] });
    const busy = rows.filter((r) => r.load > 50).map((r) => ({ ...r, key: r.name.toUpperCase() + ':' + r.id }));
    busy.sort((a, b) => b.load - a.load || a.id - b.id);
    const back = JSON.parse(JSON.stringify(busy));
    let h = 0;
    for (const r of back) for (let k = 0; k < r.key.length; k++) h = (h * 31 + r.key.charCodeAt(k)) | 0;
    let x = 0;
    for (let i = 1; i < 200000; i++) x += Math.sqrt(i) * (i & 3);
    return { status: 200, body: { n: back.length, h, x: Math.round(x) } };
  },
} };`;

interface Mem {
  rss: number;
  anon: number;
  file: number;
  own: number;
  threads: number;
  /** RSS by mapping group, MB. */
  maps: Record<string, number>;
}
/** Groups a mapping of /proc/PID/smaps by what it holds. */
function groupOf(perm: string, path: string): string {
  if (path.endsWith('/node') || path.endsWith('/nodejs'))
    return perm.includes('x') ? 'node text' : 'node data';
  if (path === '[heap]') return 'malloc heap';
  if (path === '' || path.startsWith('[anon')) return perm.includes('x') ? 'anon exec (jit)' : 'anon';
  if (path.startsWith('[stack')) return 'main stack';
  if (path.includes('isolated_vm')) return 'isolated_vm.node';
  if (path.startsWith('[')) return 'other';
  return 'other libraries';
}
function mapsOf(pid: number): Record<string, number> {
  const out: Record<string, number> = {};
  let group = 'other';
  for (const line of readFileSync(`/proc/${pid}/smaps`, 'utf8').split('\n')) {
    const head = /^[0-9a-f]+-[0-9a-f]+ (\S+) \S+ \S+ \S+\s*(.*)$/.exec(line);
    if (head) group = groupOf(head[1]!, head[2]!);
    else if (line.startsWith('Rss:')) out[group] = (out[group] ?? 0) + Number(line.split(/\s+/)[1]) / 1024;
  }
  return out;
}
function memOf(pid: number): Mem {
  const text = readFileSync(`/proc/${pid}/status`, 'utf8');
  const mb = (f: string) => Number(new RegExp(`^${f}:\\s+(\\d+) kB`, 'm').exec(text)?.[1]) / 1024;
  const threads = Number(/^Threads:\s+(\d+)/m.exec(text)?.[1]);
  return {
    rss: rssMb(pid),
    anon: mb('RssAnon'),
    file: mb('RssFile'),
    own: privateMb(pid),
    threads,
    maps: mapsOf(pid),
  };
}
const GROUPS = [
  'node text',
  'node data',
  'isolated_vm.node',
  'other libraries',
  'malloc heap',
  'anon',
  'anon exec (jit)',
  'main stack',
  'other',
];
/** One line: each mapping group's MB, and its difference from `base`. */
const mapLine = (m: Mem, base?: Mem): string =>
  GROUPS.filter((g) => (m.maps[g] ?? 0) > 0.05 || (base?.maps[g] ?? 0) > 0.05)
    .map((g) => {
      const v = m.maps[g] ?? 0;
      const d = base ? v - (base.maps[g] ?? 0) : undefined;
      return `${g} ${v.toFixed(1)}${d === undefined ? '' : ` (${d >= 0 ? '+' : ''}${d.toFixed(1)})`}`;
    })
    .join(', ');
const childPids = (): number[] =>
  readFileSync(`/proc/${process.pid}/task/${process.pid}/children`, 'utf8')
    .trim()
    .split(/\s+/)
    .filter(Boolean)
    .map(Number);

/** CPU time of every thread of a process so far, µs (each /proc/PID/task/TID/schedstat, ns). */
function threadsCpuUs(pid: number): number {
  let ns = 0;
  for (const tid of readdirSync(`/proc/${pid}/task`))
    ns += Number(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').split(' ')[0]);
  return ns / 1000;
}

/** Read syscalls a process has made so far (/proc/PID/io syscr): the host reads its channel once per chunk of frames. */
const readSyscalls = (pid: number): number =>
  Number(/^syscr:\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/io`, 'utf8'))?.[1]);

/** Times a process's main thread has blocked and been woken so far (voluntary context switches). */
const wakeups = (pid: number): number =>
  Number(/^voluntary_ctxt_switches:\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]);

const cmdline = (pid: number): string => {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8');
  } catch {
    return '';
  }
};

const logger = createLogger({ level: 'silent' });
const start = (sb: Sandbox, name: string, code: string, spinMs?: number): Promise<PluginInstance> => {
  const gate = createPermissionGate({ plugin: name, declared: ['http:routes'], granted: ['http:routes'] });
  return sb.start({
    name,
    version: '1.0.0',
    bundleCode: code,
    ...(spinMs ? { limits: { spinMs } } : {}),
    authorize: (d) => gate.check(d),
    services: { log: logger },
  });
};

/** `n` route calls, CONCURRENCY at a time; kernel (this process) and plugin host CPU µs per call. */
/** An anonymous GET of `path` on the plugin's route table, as the kernel encodes one. */
const routeRequest = (path: string) => ({
  method: 'GET',
  path,
  params: {},
  query: {},
  headers: {},
  caller: { kind: 'anonymous' as const, id: '', permissions: [] },
  requestId: 'bench',
  body: null,
});

async function burst(
  p: PluginInstance,
  n: number,
): Promise<{ perSec: number; kernelUs: number; hostUs: number }> {
  const req = routeRequest('/');
  let next = 0;
  const pid = p.status().pid!;
  const host0 = threadsCpuUs(pid);
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next++ < n) await callRoute(p, 'hello', req);
    }),
  );
  const s = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  return { perSec: n / s, kernelUs: (cpu.user + cpu.system) / n, hostUs: (threadsCpuUs(pid) - host0) / n };
}

/**
 * The idle settle on a host that is never idle: a periodic timer plugin (the metrics host's shape:
 * a tick a second that builds a sample and keeps the last minute of them) after a burst of
 * allocating route calls, then SETTLE_SPAN_S s of its ticks and of a probe call every 250 ms, with a
 * light burst at a third of it (20 allocating calls: under main's 60 entries a window), with the settle off,
 * with main's rule (1780cd7: a quiet window is ≤ 60 entries, and a host settles once per quiet
 * spell), with the rule this round started from (5f69e9f: four GCs on every settle, and no wait for
 * host calls in flight), as it is at OMEGA_BENCH_SETTLE_REF (default a656e6c: before the settle's GCs
 * ran in V8's memory-saving mode) and with this one (kernel/sandbox/host/settle-due.ts) — five host bundles,
 * run at the same time. Per variant: the host's RSS sampled each second after each burst's first window
 * (medians, and the highest), its CPU per second, the probe calls' latency (p50 and max: a call that lands on a
 * settle waits for one of its steps); for the last two rules, each settle as the host saw it (count, CPU
 * per settle, its longer step's wall time — a bench-only build whose run-host wiring line passes
 * onSettle to a trace file). OMEGA_BENCH_SETTLE_ONLY=1 runs only this part.
 */
const TICKER = `let ticks = 0;
const minute = [];
export const plugin = {
  async activate(ctx) {
    await ctx.timers.every(1000, () => {
      ticks++;
      const sample = {};
      for (let i = 0; i < 300; i++) sample['series_' + i] = { value: Math.sqrt(i * ticks), labels: { node: 'n1', cpu: String(i % 8) } };
      minute.push(JSON.stringify(sample));
      if (minute.length > 60) minute.shift();
    });
  },
  routes: {
    async hello() { return { status: 200, body: { hello: 'world' } }; },
    async ping() { return { status: 200, body: { ticks } }; },
    async churn() { let n = 0; for (let i = 0; i < 20000; i++) { const o = { i, s: 'x' + i }; n += o.s.length; } return { status: 200, body: { n } }; },
  },
};`;
/** Seconds of ticks and probe calls after the burst; a light burst comes at a third of it. */
const SETTLE_SPAN_S = Number(process.env.OMEGA_BENCH_SETTLE_SPAN_S ?? 45);
/** Allocating calls (20 000 objects each): the burst, and the light burst (< 60 entries a window). */
const CHURN_BURST = 300;
const CHURN_LIGHT = 20;
/** A commit whose create-idle-settle.ts is compared with this checkout's (OMEGA_BENCH_SETTLE_REF; default a656e6c). */
const SETTLE_REF = process.env.OMEGA_BENCH_SETTLE_REF ?? 'a656e6c';
/** The host's create-idle-settle.ts as main had it (1780cd7), as this round started (5f69e9f), at SETTLE_REF, and one that never settles. */
const SETTLE_SOURCES = {
  off: 'export const SETTLE_IDLE_MS = 6000;\nexport const createIdleSettle = (_isolate: unknown, _opts?: unknown) => undefined;\n',
  main: () =>
    execFileSync('git', ['show', '1780cd7:kernel/sandbox/host/create-idle-settle.ts'], { encoding: 'utf8' }),
  start: () =>
    execFileSync('git', ['show', '5f69e9f:kernel/sandbox/host/create-idle-settle.ts'], { encoding: 'utf8' }),
  ref: () =>
    execFileSync('git', ['show', `${SETTLE_REF}:kernel/sandbox/host/create-idle-settle.ts`], {
      encoding: 'utf8',
    }),
};
const WIRING = 'createIdleSettle(isolate, {';

/** A host bundle with `settle` as its create-idle-settle.ts, each settle appended to `trace`. */
async function buildSettleHost(
  settle: 'off' | 'main' | 'start' | 'ref' | 'branch',
  trace: string,
): Promise<HostEntry> {
  const swap: Plugin = {
    name: 'settle-variant',
    setup(b) {
      b.onLoad({ filter: /create-idle-settle\.ts$/ }, () =>
        settle === 'branch'
          ? undefined
          : { contents: settle === 'off' ? SETTLE_SOURCES.off : SETTLE_SOURCES[settle](), loader: 'ts' },
      );
      b.onLoad({ filter: /host[\\/]run-host\.ts$/ }, (args) => {
        const src = readFileSync(args.path, 'utf8');
        if (!src.includes(WIRING)) throw new Error(`run-host.ts no longer holds ${WIRING}: update the bench`);
        const onSettle = `(r) => require('node:fs').appendFileSync(${JSON.stringify(trace)}, JSON.stringify(r) + '\\n')`;
        return {
          contents: src.replace(WIRING, `createIdleSettle(isolate, { onSettle: ${onSettle}, `),
          loader: 'ts',
        };
      });
    },
  };
  return (await buildHost([swap])).entry;
}

async function settleSection(): Promise<void> {
  const variants = [
    { label: 'settle off', settle: 'off' as const },
    { label: "main's rule", settle: 'main' as const },
    { label: "the round's start (5f69e9f)", settle: 'start' as const },
    { label: `at ${SETTLE_REF}`, settle: 'ref' as const },
    { label: 'this rule', settle: 'branch' as const },
  ];
  const runs = [];
  for (const v of variants) {
    const trace = join(tmpdir(), `omega-bench-settle-${process.pid}-${v.settle}.jsonl`);
    const entry = await buildSettleHost(v.settle, trace);
    const sb = createSandbox({ logger, hostEntry: entry, warmHosts: 0, cgroups: { mode: 'none' } });
    const gate = createPermissionGate({
      plugin: 'ticker',
      declared: ['http:routes', 'timers'],
      granted: ['http:routes', 'timers'],
    });
    const p = await sb.start({
      name: 'ticker',
      version: '1.0.0',
      bundleCode: TICKER,
      authorize: (d) => gate.check(d),
      services: { log: logger },
    });
    runs.push({
      ...v,
      trace,
      entry,
      sb,
      p,
      pid: p.status().pid!,
      rss: [] as number[],
      rssLight: [] as number[],
      lat: [] as number[],
      cpu0: 0,
    });
  }
  const churn = routeRequest('/churn');
  for (const r of runs) for (let i = 0; i < CHURN_BURST; i++) await callRoute(r.p, 'churn', churn);
  const ping = routeRequest('/ping');
  const t0 = performance.now();
  const lightAt = t0 + (SETTLE_SPAN_S * 1000) / 3;
  // RSS is sampled after each burst's first window (a settle may come 6–7 s after it).
  const sampled = (t: number) =>
    (t >= t0 + SETTLE_IDLE_MS + 2000 && t < lightAt) || t >= lightAt + SETTLE_IDLE_MS + 2000;
  let light = false;
  let cpuFrom = 0;
  for (let i = 0; performance.now() - t0 < SETTLE_SPAN_S * 1000; i++) {
    const now = performance.now();
    if (cpuFrom === 0 && sampled(now)) {
      cpuFrom = now;
      for (const r of runs) r.cpu0 = threadsCpuUs(r.pid);
    }
    if (!light && now >= lightAt) {
      light = true;
      for (const r of runs) for (let k = 0; k < CHURN_LIGHT; k++) await callRoute(r.p, 'churn', churn);
    }
    for (const r of runs) {
      const s = performance.now();
      await callRoute(r.p, 'ping', ping);
      r.lat.push(performance.now() - s);
      if (i % 4 === 0 && sampled(now)) (now < lightAt ? r.rss : r.rssLight).push(rssMb(r.pid));
    }
    await sleep(250);
  }
  const spanS = (performance.now() - cpuFrom) / 1000;
  const results = runs.map((r) => {
    const settles = existsSync(r.trace)
      ? readFileSync(r.trace, 'utf8')
          .trim()
          .split('\n')
          .filter(Boolean)
          .map((l) => JSON.parse(l) as { stepMs: number; cpuMs: number })
      : [];
    return {
      ...r,
      cpuPerS: (threadsCpuUs(r.pid) - r.cpu0) / 1000 / spanS,
      settles,
    };
  });
  for (const r of runs) {
    await r.sb.close();
    await rm(dirname(r.entry.file), { recursive: true, force: true });
    await rm(r.trace, { force: true });
  }
  const off = results[0]!;
  console.log(
    `\nloadavg ${loadavg()[0]!.toFixed(1)}; periodic timer plugin (a tick a second) after ${CHURN_BURST} allocating calls, then ${SETTLE_SPAN_S} s with a probe call every 250 ms and ${CHURN_LIGHT} allocating calls at ${SETTLE_SPAN_S / 3} s; RSS sampled each second from ${(SETTLE_IDLE_MS + 2000) / 1000} s after each burst`,
  );
  for (const r of results) {
    const name = `periodic timer plugin host (${r.label})`;
    for (const [what, key] of [
      ['RSS, median', 'rss'],
      ['RSS after the light burst, median', 'rssLight'],
    ] as const) {
      report({
        name: `${name} ${what}`,
        value: median(r[key]),
        unit: 'MB',
        baseline: { name: 'settle off', value: median(off[key]) },
        goal: '≤ 50 MB',
        met: median(r[key]) <= 50,
      });
    }
    report({
      name: `${name} RSS, highest`,
      value: Math.max(...r.rss, ...r.rssLight),
      unit: 'MB',
      baseline: { name: 'settle off', value: Math.max(...off.rss, ...off.rssLight) },
    });
    report({
      name: `${name} CPU per second`,
      value: r.cpuPerS,
      unit: 'ms',
      baseline: { name: 'settle off', value: off.cpuPerS },
    });
    report({
      name: `${name} probe call, p50`,
      value: percentile(r.lat, 50),
      unit: 'ms',
      baseline: { name: 'settle off', value: percentile(off.lat, 50) },
    });
    report({
      name: `${name} probe call, max`,
      value: Math.max(...r.lat),
      unit: 'ms',
      baseline: { name: 'settle off', value: Math.max(...off.lat) },
    });
    if (r.settles.length > 0)
      console.log(
        `      ${r.settles.length} settles in ${Math.round((performance.now() - t0) / 1000)} s; CPU per settle median ${median(r.settles.map((s) => s.cpuMs)).toFixed(1)} ms, its longer step median ${median(r.settles.map((s) => s.stepMs)).toFixed(1)} ms, max ${Math.max(...r.settles.map((s) => s.stepMs)).toFixed(1)} ms`,
      );
  }
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/**
 * Issue #13's two figures for the metrics plugin's host, in a real kernel: `omega start` of this
 * checkout (dist/ and plugins built: `npx tsup && npm run build:plugins`) and of OMEGA_BENCH_BEFORE,
 * both running at once, so both see the same machine. After METRICS_WARMUP_S s, over
 * METRICS_SPAN_S s: the metrics host's CPU per second (its threads' schedstat; one collection a
 * second), how often its main thread is woken, and its RSS read every 250 ms (median and range), then every plugin host's RSS (13
 * readings over 3 s, sample-memory.ts) and the metrics host's RSS by mapping (node text: the node
 * binary's code it touched — TurboFan's compiler is ~3.4 MB of it). OMEGA_BENCH_METRICS_ONLY=1
 * runs only this part. First METRICS_LOAD (5000) calls of the echo plugin's public route on each
 * kernel (16 in flight), so the echo host is read after a load as bench/http.bench.ts reads it;
 * every host is printed by mapping beside that echo host, with its CPU per second over the span.
 * METRICS_TRACE_S=120 prints the metrics and nodes hosts by mapping every 120 s of the warm-up
 * (what grows with uptime, and where).
 *
 * The CPU figure still holds the plugin's tier-up: a plugin run once a second reaches TurboFan
 * function by function over minutes (V8 code log of the metrics host, `--log-code`: 10 TurboFan
 * compiles of its code between 60 and 150 s, a few ms each, 4 of them the minute's history flush),
 * so a longer METRICS_WARMUP_S reads less; compare A and B with the same warm-up. To see where a
 * host's CPU goes: `perf record -g -p <metrics host pid>` (TurboFan: `GetOrCompileOptimized`).
 */
async function metricsSection(): Promise<void> {
  const warmS = Number(process.env.METRICS_WARMUP_S ?? 60);
  const spanS = Number(process.env.METRICS_SPAN_S ?? 120);
  const roots = [{ label: 'this checkout', root: undefined as string | undefined }];
  if (BEFORE) roots.push({ label: 'before', root: BEFORE });
  const kernels = await Promise.all(roots.map((r) => startOmega(r.root ? { root: r.root } : {})));
  try {
    const hostsOf = async (k: OmegaUnderTest) => {
      const res = await fetch(`${k.url}/api/v1/plugins`, {
        headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
      });
      const { items } = (await res.json()) as { items: Array<{ name: string; runtime?: { pid?: number } }> };
      const names = new Map(items.flatMap((p) => (p.runtime?.pid ? [[p.runtime.pid, p.name] as const] : [])));
      return k
        .hostPids()
        .filter((pid) => cmdline(pid).includes('plugin-host'))
        .map((pid) => ({ pid, name: names.get(pid) ?? 'warm spare' }));
    };
    // METRICS_LOAD route calls on each kernel's echo plugin first (16 in flight, both kernels at
    // once), so its host is read after a load as the http bench reads it.
    const loadN = Number(process.env.METRICS_LOAD ?? 5000);
    await Promise.all(
      kernels.map(async (k) => {
        let sent = 0;
        await Promise.all(
          Array.from({ length: CONCURRENCY }, async () => {
            while (sent++ < loadN) {
              const res = await fetch(`${k.url}/api/v1/echo/open`);
              await res.arrayBuffer();
              if (!res.ok) throw new Error(`echo load: ${res.status} from ${k.url}`);
            }
          }),
        );
      }),
    );
    // METRICS_TRACE_S: every so many seconds of the warm-up, the metrics and nodes hosts by mapping
    // (what grows with uptime, and where).
    const traceS = Number(process.env.METRICS_TRACE_S ?? 0);
    const warm0 = performance.now();
    while (traceS > 0 && performance.now() - warm0 < (warmS - traceS) * 1000) {
      await sleep(traceS * 1000);
      for (const [i, k] of kernels.entries())
        for (const h of (await hostsOf(k)).filter((x) => x.name === 'metrics' || x.name === 'nodes'))
          console.log(
            `${Math.round((performance.now() - warm0) / 1000)} s, ${roots[i]!.label}, ${h.name}: RSS ${rssMb(h.pid).toFixed(1)} MB, ${mapLine(memOf(h.pid))}`,
          );
    }
    await sleep(Math.max(0, warmS * 1000 - (performance.now() - warm0)));
    const runs = await Promise.all(
      kernels.map(async (k, i) => {
        const hosts = await hostsOf(k);
        const pid = hosts.find((h) => h.name === 'metrics')?.pid;
        if (pid === undefined) throw new Error(`${roots[i]!.label}: no metrics host`);
        return {
          k,
          label: roots[i]!.label,
          hosts,
          pid,
          cpu0: threadsCpuUs(pid),
          hostCpu0: new Map(hosts.map((h) => [h.pid, threadsCpuUs(h.pid)])),
          wakes0: wakeups(pid),
          rss: [] as number[],
        };
      }),
    );
    const t0 = performance.now();
    while (performance.now() - t0 < spanS * 1000) {
      for (const r of runs) r.rss.push(rssMb(r.pid));
      await sleep(250);
    }
    const wallS = (performance.now() - t0) / 1000;
    const cpu = runs.map((r) => (threadsCpuUs(r.pid) - r.cpu0) / wallS);
    const wakes = runs.map((r) => (wakeups(r.pid) - r.wakes0) / wallS);
    const hostCpu = new Map(
      runs.flatMap((r) =>
        r.hosts.map((h) => [h.pid, (threadsCpuUs(h.pid) - r.hostCpu0.get(h.pid)!) / wallS]),
      ),
    );
    const mem = await sampleMemory(runs.flatMap((r) => r.hosts.map((h) => h.pid)));
    const maps = runs.map((r) => memOf(r.pid));
    // Every host by mapping, beside the echo host of the same kernel (the settled level).
    const hostMaps = new Map(runs.flatMap((r) => r.hosts.map((h) => [h.pid, memOf(h.pid)] as const)));
    console.log(
      `\nloadavg ${loadavg()[0]!.toFixed(1)}; metrics host in a real kernel (omega start, core plugins), ${warmS} s warm-up, then ${spanS} s`,
    );
    const base = BEFORE ? runs.length - 1 : undefined;
    for (const [i, r] of runs.entries()) {
      const b = base !== undefined && base !== i ? base : undefined;
      report({
        name: `${r.label}: metrics host CPU per collection (1 s)`,
        value: cpu[i]!,
        unit: 'µs',
        ...(b !== undefined ? { baseline: { name: runs[b]!.label, value: cpu[b]! } } : {}),
      });
      report({
        name: `${r.label}: metrics host main thread wake-ups per second`,
        value: wakes[i]!,
        unit: '/s',
        ...(b !== undefined ? { baseline: { name: runs[b]!.label, value: wakes[b]! } } : {}),
      });
      report({
        name: `${r.label}: metrics host RSS, median over ${spanS} s`,
        value: median(r.rss),
        unit: `MB [${Math.min(...r.rss).toFixed(1)} – ${Math.max(...r.rss).toFixed(1)}]`,
        ...(b !== undefined ? { baseline: { name: runs[b]!.label, value: median(runs[b]!.rss) } } : {}),
        goal: '≤ 50 MB',
        met: median(r.rss) <= 50,
      });
      console.log(
        `      metrics host by mapping, MB: ${mapLine(maps[i]!, b !== undefined ? maps[b] : undefined)}`,
      );
      for (const h of r.hosts) {
        const m = mem.get(h.pid)!;
        console.log(
          `      ${h.name.padEnd(12)} RSS ${m.rss.median.toFixed(1)} MB, ${unitWithRange('MB', m.rss)}; CPU ${(hostCpu.get(h.pid)! / 1000).toFixed(2)} ms/s`,
        );
        const echo = r.hosts.find((x) => x.name === 'echo');
        const base = echo && echo.pid !== h.pid ? hostMaps.get(echo.pid) : undefined;
        console.log(
          `        by mapping, MB${base ? ' (± echo)' : ''}: ${mapLine(hostMaps.get(h.pid)!, base)}`,
        );
      }
    }
  } finally {
    await Promise.all(kernels.map((k) => k.stop()));
  }
}
/**
 * What a set of host V8 flags costs or saves in speed, measured properly (issue #13: how
 * `--v8-pool-size=1` and `--single-threaded-gc` were judged; see spawn-host.ts): hosts of this checkout's bundle with spawnHost's flags
 * beside the same bundle with each OMEGA_BENCH_HOST_FLAGS set appended (default:
 * `--v8-pool-size=1`, one V8 worker instead of Node's four), FLAG_ROUNDS
 * interleaved rounds, medians. Per round and variant: host CPU per route call (FLAG_CALLS calls, 16
 * in flight; all the host's threads, so work moved to V8's helpers is counted), an allocating
 * call (`churn`, ~1 MB of young garbage: a scavenge every call or two) one at a time — host CPU and
 * wall p50/p99/max —, plain compute (`work`), and the same allocating call on a plugin holding
 * ~24 MB live whose calls also replace a slice of it (`old`: old-space garbage, so full GCs run —
 * with `--single-threaded-gc` without concurrent marking or sweeping). Then V8's own GC pauses
 * (`--trace-gc`) of a bare `node` running the `old` workload with each flag set: median and max
 * scavenge and mark-compact pause. OMEGA_BENCH_FLAGS_ONLY=1 runs only this part.
 */
const GC_PLUGIN = `const keep = [];
const row = (i) => ({ id: i, name: 'n' + i, tags: ['a', 'b' + (i % 7)], v: i * 1.5 });
export const plugin = { routes: {
  async hello() { return { status: 200, body: { hello: 'world' } }; },
  async churn() { let n = 0; for (let i = 0; i < 20000; i++) { const o = { i, s: 'x' + i }; n += o.s.length; } return { status: 200, body: { n } }; },
  async fill() { while (keep.length < 200000) keep.push(row(keep.length)); return { status: 200, body: { n: keep.length } }; },
  async old() {
    for (let k = 0; k < 4000; k++) { const i = (Math.random() * keep.length) | 0; keep[i] = row(i); }
    let n = 0; for (let i = 0; i < 20000; i++) { const o = { i, s: 'x' + i }; n += o.s.length; }
    return { status: 200, body: { n } };
  },
  ${/async work\(\) \{[\s\S]*?\n {2}\},/.exec(ECHO)![0]}
} };`;
const FLAG_ROUNDS = Number(process.env.OMEGA_BENCH_FLAG_ROUNDS ?? 7);
const FLAG_CALLS = 3000;

async function flagsSection(): Promise<void> {
  const sets = (process.env.OMEGA_BENCH_HOST_FLAGS ?? '--v8-pool-size=1')
    .split('|')
    .map((s) => s.trim())
    .filter(Boolean);
  const built = await buildHost();
  const variants = [
    { label: "spawnHost's flags", entry: built.entry },
    ...sets.map((s) => ({
      label: s,
      entry: { ...built.entry, execArgv: [...built.entry.execArgv, ...s.split(/\s+/)] },
    })),
  ];
  const running: Array<{
    v: (typeof variants)[number];
    sb: Sandbox;
    small: PluginInstance;
    big: PluginInstance;
    rows: Array<Record<string, number>>;
  }> = [];
  for (const v of variants) {
    const sb = createSandbox({ logger, hostEntry: v.entry, warmHosts: 0, cgroups: { mode: 'none' } });
    const startGc = (name: string) => {
      const gate = createPermissionGate({
        plugin: name,
        declared: ['http:routes'],
        granted: ['http:routes'],
      });
      return sb.start({
        name,
        version: '1.0.0',
        bundleCode: GC_PLUGIN,
        // CPU is what is measured here: no credit runs out mid-round, and a long GC pause inside
        // a call is a figure (its max), not a spin kill.
        limits: { cpuMillicores: 2000, cpuRefillPerSec: 2000, cpuBurstMs: 3_600_000, spinMs: 60_000 },
        authorize: (d) => gate.check(d),
        services: { log: logger },
      });
    };
    const small = await startGc('gc-small');
    const big = await startGc('gc-big');
    await callRoute(big, 'fill', routeRequest('/fill'));
    running.push({ v, sb, small, big, rows: [] as Array<Record<string, number>> });
  }
  /** `n` calls of `route` one at a time: the host's CPU per call (µs) and each call's wall time (ms). */
  const serial = async (p: PluginInstance, route: string, n: number) => {
    const req = routeRequest(`/${route}`);
    const pid = p.status().pid!;
    const cpu0 = threadsCpuUs(pid);
    const wall: number[] = [];
    for (let i = 0; i < n; i++) {
      const t = performance.now();
      await callRoute(p, route, req);
      wall.push(performance.now() - t);
    }
    return { cpuUs: (threadsCpuUs(pid) - cpu0) / n, wall };
  };
  // Warm-up (tier-up of every route), then interleaved rounds.
  for (const x of running) {
    await burst(x.small, 500);
    await serial(x.small, 'churn', 100);
    await serial(x.small, 'work', 20);
    await serial(x.big, 'old', 100);
  }
  const wall = running.map(() => ({ churn: [] as number[], old: [] as number[] }));
  for (let r = 0; r < FLAG_ROUNDS; r++)
    for (const [i, x] of running.entries()) {
      const hello = await burst(x.small, FLAG_CALLS);
      const churn = await serial(x.small, 'churn', 200);
      const work = await serial(x.small, 'work', 20);
      const old = await serial(x.big, 'old', 100);
      wall[i]!.churn.push(...churn.wall);
      wall[i]!.old.push(...old.wall);
      x.rows.push({
        helloUs: hello.hostUs,
        churnUs: churn.cpuUs,
        churnP99: percentile(churn.wall, 99),
        workMs: work.cpuUs / 1000,
        oldUs: old.cpuUs,
        oldP99: percentile(old.wall, 99),
      });
    }
  for (const x of running) await x.sb.close();
  await rm(built.dir, { recursive: true, force: true });

  // V8's own pauses: a bare node with the host's flags, each set appended, on the `old` workload.
  const traceGc = async (extra: string[]) => {
    const code = `${/const keep[\s\S]*?;\nconst row[^\n]*\n/.exec(GC_PLUGIN)![0]}
while (keep.length < 200000) keep.push(row(keep.length));
for (let c = 0; c < 1500; c++) {
  for (let k = 0; k < 4000; k++) { const i = (Math.random() * keep.length) | 0; keep[i] = row(i); }
  let n = 0; for (let i = 0; i < 20000; i++) { const o = { i, s: 'x' + i }; n += o.s.length; }
}`;
    const child = spawn(process.execPath, [...HOST_NODE_FLAGS, ...extra, '--trace-gc', '-e', code], {
      stdio: ['ignore', 'pipe', 'ignore'],
      env: { PATH: process.env.PATH ?? '', ...HOST_MALLOC_ENV },
    });
    let out = '';
    child.stdout!.on('data', (b: Buffer) => {
      out += b.toString('utf8');
    });
    await once(child, 'exit');
    const pauses = (kind: string) =>
      [...out.matchAll(new RegExp(`${kind}[^\\n]*?, ([\\d.]+) / [\\d.]+ ms`, 'g'))].map((m) => Number(m[1]));
    return { scavenge: pauses('Scavenge'), markCompact: pauses('Mark-Compact') };
  };
  const gcRuns = [];
  for (const v of variants) gcRuns.push(await traceGc(v.entry.execArgv.slice(1)));

  console.log(
    `\nloadavg ${loadavg()[0]!.toFixed(1)}; host V8 flag sets, ${FLAG_ROUNDS} interleaved rounds, medians of the rounds (host CPU: all its threads)`,
  );
  const base = running[0]!;
  const med = (x: (typeof running)[number], k: string) => median(x.rows.map((row) => row[k]!));
  const figures: Array<[string, string, string]> = [
    ['helloUs', 'host CPU per route call (16 in flight)', 'µs'],
    ['churnUs', 'host CPU per allocating call (churn, 1 at a time)', 'µs'],
    ['churnP99', 'allocating call wall p99 (per round)', 'ms'],
    ['workMs', 'plain compute (work), host CPU per call', 'ms'],
    ['oldUs', 'host CPU per call, 24 MB live heap (old)', 'µs'],
    ['oldP99', '24 MB live heap call wall p99 (per round)', 'ms'],
  ];
  for (const [i, x] of running.entries())
    for (const [k, name, unit] of figures)
      report({
        name: `${x.v.label}: ${name}`,
        value: med(x, k),
        unit,
        ...(i > 0 ? { baseline: { name: base.v.label, value: med(base, k) } } : {}),
      });
  for (const [i, x] of running.entries()) {
    const w = wall[i]!;
    console.log(
      `  ${x.v.label}: all rounds' calls, wall ms: churn p50 ${percentile(w.churn, 50).toFixed(2)} p99 ${percentile(w.churn, 99).toFixed(2)} max ${Math.max(...w.churn).toFixed(2)}; old p50 ${percentile(w.old, 50).toFixed(2)} p99 ${percentile(w.old, 99).toFixed(2)} max ${Math.max(...w.old).toFixed(2)}`,
    );
    const g = gcRuns[i]!;
    const line = (xs: number[]) =>
      xs.length
        ? `${xs.length}, median ${median(xs).toFixed(2)} ms, p99 ${percentile(xs, 99).toFixed(2)}, max ${Math.max(...xs).toFixed(2)}`
        : 'none';
    console.log(
      `      bare node --trace-gc, old workload: scavenges ${line(g.scavenge)}; mark-compacts ${line(g.markCompact)}`,
    );
  }
}
/**
 * The plugin host's CPU per route call alone (issue #13, host-cpu), quickly: this checkout's host
 * bundle beside OMEGA_BENCH_BEFORE's dist/plugin-host.cjs (a built checkout; without it, beside
 * this bundle again, to show the noise), both spawned by this checkout's sandbox with its flags,
 * CALLS_ROUNDS interleaved rounds of CALLS_PER_ROUND calls (16 in flight) of the echo route with
 * the request the kernel sends for `GET /api/v1/echo/open` (its six forwarded headers, an anonymous
 * caller) — an async handler, a sync one, and one awaiting a host call (a REPLY entry) — and the
 * async handler's request from a JWT viewer (its caller as routeCaller makes one), medians.
 * Host CPU: all its threads (schedstat). OMEGA_BENCH_CALLS_ONLY=1 runs only this.
 * OMEGA_BENCH_HOST_PID_FILE=<file> writes the hosts' pids (this checkout's first) for `perf`.
 */
async function callsSection(): Promise<void> {
  const rounds = Number(process.env.OMEGA_BENCH_CALLS_ROUNDS ?? 7);
  const perRound = Number(process.env.OMEGA_BENCH_CALLS_PER_ROUND ?? 20_000);
  // OMEGA_BENCH_CALLS_FLAGS: V8 flags for this checkout's host only (e.g. --perf-basic-prof for perf).
  const extraFlags = (process.env.OMEGA_BENCH_CALLS_FLAGS ?? '').split(/\s+/).filter(Boolean);
  const built = await buildHost();
  const beforeFile = BEFORE
    ? ['plugin-host.cjs', 'plugin-host.js'].map((f) => join(BEFORE, 'dist', f)).find(existsSync)
    : undefined;
  if (BEFORE && !beforeFile)
    throw new Error(`${BEFORE}/dist/plugin-host.{cjs,js} is missing: build it (npx tsup)`);
  const sides = [
    {
      label: 'this checkout',
      entry: { ...built.entry, execArgv: [...built.entry.execArgv, ...extraFlags] },
    },
    beforeFile
      ? { label: `before (${BEFORE})`, entry: { execArgv: ['--no-node-snapshot'], file: beforeFile } }
      : { label: 'this checkout again (noise)', entry: built.entry },
  ];
  const req = {
    method: 'GET',
    path: '/api/v1/echo/open',
    params: {},
    query: {},
    headers: {
      'x-request-id': '8f3a2c1e-5b7d-4e9f-a1c3-0d2e4f6a8b9c',
      accept: '*/*',
      'user-agent': 'wrk',
    },
    caller: Object.freeze({
      kind: 'anonymous' as const,
      id: '',
      permissions: Object.freeze([]),
      remote: '127.0.0.1',
    }),
    requestId: '8f3a2c1e-5b7d-4e9f-a1c3-0d2e4f6a8b9c',
    body: undefined,
  };
  // The same request from a JWT user (a viewer, as routeCaller makes its caller: deep-frozen, one
  // object per principal and address): the caller the host parsed on every call before caller-ref.
  const jwtReq = {
    ...req,
    path: '/api/v1/echo/guarded',
    caller: Object.freeze({
      kind: 'user' as const,
      id: 'u-3f9c2a7e-8b1d-4c6f-9e0a-5d7b2c4e6f81',
      permissions: Object.freeze(['*:read', 'events:subscribe', 'security:self']),
      denied: Object.freeze(['security:read', 'security:write', 'security:admin']),
      name: 'bench-viewer',
      remote: '127.0.0.1',
    }),
  };
  const running = [];
  for (const side of sides) {
    const sb = createSandbox({ logger, hostEntry: side.entry, warmHosts: 0, cgroups: { mode: 'none' } });
    // `cancel` awaits one host call (timers.cancel of no timer): a REPLY entry per call.
    const gate = createPermissionGate({
      plugin: 'echo',
      declared: ['http:routes', 'timers'],
      granted: ['http:routes', 'timers'],
    });
    const echo = await sb.start({
      name: 'echo',
      version: '1.0.0',
      bundleCode: ECHO,
      authorize: (d) => gate.check(d),
      services: { log: logger },
    });
    running.push({
      side,
      sb,
      echo,
      hostUs: [] as number[],
      kernelUs: [] as number[],
      nowUs: [] as number[],
      cancelUs: [] as number[],
      jwtUs: [] as number[],
      readsPerCall: [] as number[],
    });
  }
  if (process.env.OMEGA_BENCH_HOST_PID_FILE) {
    writeFileSync(process.env.OMEGA_BENCH_HOST_PID_FILE, running.map((x) => x.echo.status().pid).join(' '));
  }
  const run = async (p: PluginInstance, n: number, route = 'hello', request: object = req) => {
    let next = 0;
    const pid = p.status().pid!;
    const host0 = threadsCpuUs(pid);
    const reads0 = readSyscalls(pid);
    const cpu0 = process.cpuUsage();
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next++ < n) await callRoute(p, route, request as never);
      }),
    );
    const cpu = process.cpuUsage(cpu0);
    return {
      hostUs: (threadsCpuUs(pid) - host0) / n,
      kernelUs: (cpu.user + cpu.system) / n,
      readsPerCall: (readSyscalls(pid) - reads0) / n,
    };
  };
  for (const x of running) {
    await run(x.echo, 5000); // tier-up
    await run(x.echo, 5000, 'now');
    await run(x.echo, 5000, 'cancel');
    await run(x.echo, 5000, 'hello', jwtReq);
  }
  for (let r = 0; r < rounds; r++)
    for (const x of running) {
      const f = await run(x.echo, perRound);
      x.hostUs.push(f.hostUs);
      x.kernelUs.push(f.kernelUs);
      x.readsPerCall.push(f.readsPerCall);
      x.nowUs.push((await run(x.echo, perRound, 'now')).hostUs);
      x.cancelUs.push((await run(x.echo, perRound, 'cancel')).hostUs);
      x.jwtUs.push((await run(x.echo, perRound, 'hello', jwtReq)).hostUs);
    }
  for (const x of running) await x.sb.close();
  await rm(built.dir, { recursive: true, force: true });
  console.log(
    `\nloadavg ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}; ${rounds} interleaved rounds of ${perRound} route calls, 16 in flight, medians`,
  );
  for (const x of running)
    console.log(
      `  ${x.side.label}: host µs per round, async handler ${x.hostUs.map((v) => v.toFixed(1)).join(' ')}; sync handler ${x.nowUs.map((v) => v.toFixed(1)).join(' ')}; one host call ${x.cancelUs.map((v) => v.toFixed(1)).join(' ')}; async, JWT caller ${x.jwtUs.map((v) => v.toFixed(1)).join(' ')}; kernel µs per round (async) ${x.kernelUs.map((v) => v.toFixed(2)).join(' ')}; host read syscalls per call (async) ${median(x.readsPerCall).toFixed(3)}`,
    );
  const [a, b] = running as [(typeof running)[number], (typeof running)[number]];
  report({
    name: 'plugin host CPU per route call (async handler)',
    value: median(a.hostUs),
    unit: 'µs',
    baseline: { name: b.side.label, value: median(b.hostUs) },
  });
  report({
    name: 'plugin host CPU per route call (sync handler)',
    value: median(a.nowUs),
    unit: 'µs',
    baseline: { name: b.side.label, value: median(b.nowUs) },
  });
  report({
    name: 'plugin host CPU per route call (awaits one host call)',
    value: median(a.cancelUs),
    unit: 'µs',
    baseline: { name: b.side.label, value: median(b.cancelUs) },
  });
  report({
    name: 'plugin host CPU per route call (async handler, JWT caller)',
    value: median(a.jwtUs),
    unit: 'µs',
    baseline: { name: b.side.label, value: median(b.jwtUs) },
  });
  report({
    name: 'plugin host CPU per route call, JWT caller − anonymous (median of rounds)',
    value: median(a.jwtUs.map((v, i) => v - a.hostUs[i]!)),
    unit: 'µs',
    baseline: { name: b.side.label, value: median(b.jwtUs.map((v, i) => v - b.hostUs[i]!)) },
  });
  report({
    name: 'kernel CPU per route call (in-process, no HTTP)',
    value: median(a.kernelUs),
    unit: 'µs',
    baseline: { name: b.side.label, value: median(b.kernelUs) },
  });
}
if (process.env.OMEGA_BENCH_CALLS_ONLY === '1') {
  await callsSection();
  process.exit(0);
}
if (process.env.OMEGA_BENCH_FLAGS_ONLY === '1') {
  await flagsSection();
  process.exit(0);
}
if (process.env.OMEGA_BENCH_METRICS_ONLY === '1') {
  await metricsSection();
  process.exit(0);
}
if (process.env.OMEGA_BENCH_SETTLE_ONLY === '1') {
  await settleSection();
  process.exit(0);
}

interface Variant {
  label: string;
  entry: HostEntry;
  spinMs?: number;
}
/** What hosts ran with before this round (overrides spawnHost's `--no-short-builtin-calls`). */
const BEFORE_FLAG = '--short-builtin-calls';
const built = await buildHost();
const variants: Variant[] = [
  { label: '', entry: built.entry },
  {
    label: 'before (short builtin calls): ',
    entry: { ...built.entry, execArgv: [...built.entry.execArgv, BEFORE_FLAG] },
  },
];
// Extra flag sets to compare in the same run: OMEGA_BENCH_HOST_FLAGS='--a --b|--c' (one variant each).
for (const set of (process.env.OMEGA_BENCH_HOST_FLAGS ?? '').split('|').filter((x) => x.trim()))
  variants.push({
    label: `${set.trim()}: `,
    entry: { ...built.entry, execArgv: [...built.entry.execArgv, ...set.trim().split(/\s+/)] },
  });
if (BEFORE) {
  const file = ['plugin-host.cjs', 'plugin-host.js'].map((f) => join(BEFORE, 'dist', f)).find(existsSync);
  if (!file)
    throw new Error(`${BEFORE}/dist/plugin-host.{cjs,js} is missing: build that checkout (npx tsup)`);
  // That checkout's bundle with the V8 flags hosts had before (spawnHost's own flags come first).
  variants.push({
    label: 'before: ',
    entry: { execArgv: ['--no-node-snapshot', BEFORE_FLAG], file },
    spinMs: 600_000,
  });
}
const security = existsSync(SECURITY) ? readFileSync(SECURITY, 'utf8') : undefined;
if (!security) console.log(`(no ${SECURITY}: run npm run build:plugins for the core plugin's host)`);

const ROUNDS = 3;
const running = [];
for (const v of variants) {
  const sb = createSandbox({ logger, hostEntry: v.entry, warmHosts: 1, cgroups: { mode: 'none' } });
  const echo = await start(sb, 'echo', ECHO, v.spinMs);
  // A core plugin's bundle in its own host (its activate() needs the kernel's services, so it
  // may not run; loading is what puts its code in the host). Skipped if it does not start.
  const core = security
    ? await start(sb, 'security', security, v.spinMs).then(
        (p) => (p.status().state === 'running' ? p : undefined),
        () => undefined,
      )
    : undefined;
  await sleep(2000);
  const loaded = memOf(echo.status().pid!);
  await burst(echo, 500);
  running.push({
    v,
    sb,
    echo,
    core,
    loaded,
    runs: [] as Array<{ perSec: number; kernelUs: number; hostUs: number }>,
  });
}
// Interleaved rounds, so both variants see the same machine.
for (let r = 0; r < ROUNDS; r++) for (const x of running) x.runs.push(await burst(x.echo, CALLS));
// Each echo host's RSS 4 s after the burst (before a host's idle settle, at SETTLE_IDLE_MS), then
// the full measurement once every host had time to settle.
await sleep(4000);
const early = running.map((x) => rssMb(x.echo.status().pid!));
await sleep((IDLE_S - 4) * 1000);
const results = [];
for (const x of running) {
  const names = new Map<number, string>([[x.echo.status().pid!, 'echo, the trivial plugin']]);
  if (x.core?.status().pid) names.set(x.core.status().pid!, 'security, a core plugin');
  // A variant's hosts are the children running its entry file (and its V8 flag override).
  const hosts = childPids()
    .filter((pid) => {
      // The node flags right before the entry file are exactly the variant's.
      const argv = cmdline(pid).split('\0');
      const at = argv.indexOf(x.v.entry.file);
      const flags = x.v.entry.execArgv;
      return at >= flags.length && argv.slice(at - flags.length, at).join('\0') === flags.join('\0');
    })
    .map((pid) => ({ name: names.get(pid) ?? 'warm spare', mem: memOf(pid) }));
  const heap = await x.echo.stats().catch(() => undefined);
  results.push({
    label: x.v.label,
    loaded: x.loaded,
    hosts,
    early: early[results.length]!,
    perSec: median(x.runs.map((b) => b.perSec)),
    kernelUs: median(x.runs.map((b) => b.kernelUs)),
    hostUs: median(x.runs.map((b) => b.hostUs)),
    workMs: 0,
    heap,
  });
}
// Plugin compute per variant (after the idle RSS was read): warm up, then interleaved rounds.
const WORK_CALLS = 40;
/** The host's CPU ms per `work` call (steadier than wall time on a shared machine). */
const work = async (p: PluginInstance, n: number): Promise<number> => {
  const pid = p.status().pid!;
  const cpu0 = threadsCpuUs(pid);
  for (let i = 0; i < n; i++) await callRoute(p, 'work', workReq);
  return (threadsCpuUs(pid) - cpu0) / 1000 / n;
};
const workReq = routeRequest('/work');
for (const x of running) await work(x.echo, WORK_CALLS);
const workRuns = running.map(() => [] as number[]);
for (let r = 0; r < ROUNDS; r++)
  for (const [i, x] of running.entries()) workRuns[i]!.push(await work(x.echo, WORK_CALLS));
for (const [i, r] of results.entries()) r.workMs = median(workRuns[i]!);
for (const x of running) await x.sb.close();
await rm(built.dir, { recursive: true, force: true });

async function bare(args: string[]): Promise<Mem> {
  const child = spawn(process.execPath, args, { stdio: 'ignore', env: { PATH: process.env.PATH ?? '' } });
  await sleep(1500);
  const mem = memOf(child.pid!);
  child.kill();
  await once(child, 'exit');
  return mem;
}
const idle = 'setInterval(() => {}, 1e9)';
const bareHost = await bare(['--no-node-snapshot', '-e', idle]);
const bareNode = await bare(['-e', idle]);
const bareWorker = await bare([
  '--no-node-snapshot',
  '-e',
  `new (require('node:worker_threads').Worker)('setInterval(() => {}, 50)', { eval: true }).unref(); ${idle}`,
]);

// The spin accounting per call (kernel side) beside the CALL frame's own send.
const N = 1_000_000;
const sink = new PassThrough();
sink.resume();
const writer = createFrameWriter(sink);
const payload = JSON.stringify({ method: 'GET', path: '/', params: {}, query: {}, headers: {} });
let t = performance.now();
for (let i = 0; i < N; i++) {
  writer.send(FrameType.CALL, i, 5000, 'route:hello', payload);
  if ((i & 63) === 63) writer.flush();
}
const sendNs = ((performance.now() - t) * 1e6) / N;
const watch = watchSpins(() => {});
watch.setLimit(1000);
t = performance.now();
for (let i = 0; i < N; i++) {
  watch.sent(1);
  watch.progress((i + 1) >>> 0);
}
const accountNs = ((performance.now() - t) * 1e6) / N;
watch.close();
writer.flush();

const load = loadavg()[0]!.toFixed(1);
console.log(`\nloadavg ${load}; ${CALLS} route calls, ${CONCURRENCY} in flight, then ${IDLE_S} s idle`);
console.log('bare node processes, same run:');
for (const [name, m] of [
  ['node --no-node-snapshot -e', bareHost],
  ['node -e', bareNode],
  ['node --no-node-snapshot -e + 1 Worker', bareWorker],
] as const)
  console.log(
    `  ${name.padEnd(40)} RSS ${m.rss.toFixed(1)} MB (anon ${m.anon.toFixed(1)}, file ${m.file.toFixed(1)}), private ${m.own.toFixed(1)} MB, ${m.threads} threads`,
  );
console.log(`  bare node --no-node-snapshot by mapping, MB: ${mapLine(bareHost)}`);
for (const r of results) {
  const l = r.loaded;
  console.log(
    `${r.label}echo's host 2 s after its load, before any call: RSS ${l.rss.toFixed(1)} MB (anon ${l.anon.toFixed(1)}, file ${l.file.toFixed(1)})`,
  );
  console.log(`      by mapping, MB (± bare node --no-node-snapshot): ${mapLine(l, bareHost)}`);
  if (r.heap)
    console.log(
      `      echo's isolate heap after the burst: ${(r.heap.heapTotalBytes / 1048576).toFixed(2)} MB (used ${(r.heap.heapUsedBytes / 1048576).toFixed(2)}), external ${(r.heap.externalBytes / 1048576).toFixed(2)} MB`,
    );
  for (const h of r.hosts) {
    report({
      name: `${r.label}idle plugin host RSS (${h.name})`,
      value: h.mem.rss,
      unit: 'MB',
      baseline: { name: 'bare node --no-node-snapshot', value: bareHost.rss },
      goal: '≤ 50 MB',
      met: h.mem.rss <= 50,
    });
    console.log(
      `      anon ${h.mem.anon.toFixed(1)} MB, file ${h.mem.file.toFixed(1)} MB, private ${h.mem.own.toFixed(1)} MB, ${h.mem.threads} threads`,
    );
    console.log(`      by mapping, MB (± bare node --no-node-snapshot): ${mapLine(h.mem, bareHost)}`);
  }
  console.log(`      echo's host 4 s after the burst (not yet settled): RSS ${r.early.toFixed(1)} MB`);
}
for (const r of results) {
  report({ name: `${r.label}route calls per second (in-process, no HTTP)`, value: r.perSec, unit: '/s' });
  report({ name: `${r.label}kernel CPU per route call`, value: r.kernelUs, unit: 'µs' });
  report({
    name: `${r.label}plugin host CPU per route call`,
    value: r.hostUs,
    unit: 'µs',
    baseline: { name: 'default flags', value: results[0]!.hostUs },
  });
  report({
    name: `${r.label}plugin compute (work route), host CPU per call`,
    value: r.workMs,
    unit: 'ms',
    baseline: { name: 'default flags', value: results[0]!.workMs },
  });
}
report({
  name: 'spin accounting per call (sent + progress)',
  value: accountNs,
  unit: 'ns',
  baseline: { name: 'writer.send of the CALL frame', value: sendNs },
});
await settleSection();
