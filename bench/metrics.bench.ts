import { spawn } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { hostname, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import * as si from 'systeminformation';
import { WebSocket } from 'ws';
import { parseConfig } from '../kernel/config/index.js';
import { startKernel } from '../kernel/kernel.js';
import { createLogger } from '../kernel/log/index.js';
import { computeIntegrity } from '../kernel/plugins/index.js';
import { jsonDepthWithin } from '../kernel/sandbox/index.js';
import { openStorage } from '../kernel/storage/index.js';
import { createSystemInfo, readGpus } from '../kernel/system/index.js';
import { SampleDeriver } from '../plugins/metrics/src/collect/derive-samples.js';
import type { SystemAreaData } from '../plugins/metrics/src/collect/host-data.js';
import { nodeIdFrom } from '../plugins/metrics/src/node-id.js';
import { HistoryPersister } from '../plugins/metrics/src/persist/history-persister.js';
import type { PluginStorage } from '../plugins/metrics/src/persist/plugin-storage.js';
import { parseSeriesId } from '../plugins/metrics/src/series/series-id.js';
import { MetricStore } from '../plugins/metrics/src/store/metric-store.js';
import { TIERS } from '../plugins/metrics/src/store/tiers.js';
import { buildPlugin } from '../sdk/src/build/index.js';
import { idleWakeCost } from './idle-wake-cost.js';
import { cpuMsOf, wakeUpsOf } from './proc-counters.js';
import { percentile, report } from './report.js';
import { spawnServer } from './spawn-server.js';

/**
 * What the metrics plugin costs, each figure beside a baseline from the same run:
 *
 * - CPU of the collector at 1 s in steady state, over BENCH_SECONDS (default 120) after a
 *   warm-up of BENCH_WARMUP seconds (default 90), as % of one core: the kernel process (with
 *   its reaped children) plus the plugin-host process, read from /proc/<pid>/stat. Baseline: the
 *   same kernel running an idle plugin (one plugin host, no timers), warmed up alike, so what
 *   remains is what collecting, storing, publishing and persisting cost. The warm-up is what a
 *   long-running kernel pays once (TurboFan compiling the hot paths, V8's one-off
 *   memory-reducing GC about a minute in, the plugin host's start-up): its figure is printed
 *   apart, not counted as collection cost.
 * - Range query for the last hour at 1 s (3,601 points) over HTTP, p50/p99, after the plugin
 *   restored an hour of history from its storage. Baselines: a trivial plugin route and the
 *   kernel's own /health.
 * - Memory per series (typed-array tiers plus bookkeeping), measured in this process.
 *
 * Run: npx tsx bench/metrics.bench.ts   (BENCH_WARMUP=30 BENCH_SECONDS=20 for a quicker, noisier run)
 * With METRICS_BENCH_ROLE=kernel this file is the kernel child process instead.
 */

const TOKEN = 'bench-admin-token-0123456789abcdef';

/** Bytes the kernel's event log holds under `dataDir` (its segment files; 0 before it exists). */
function eventLogBytes(dataDir: string): number {
  const dir = join(dataDir, 'events');
  if (!existsSync(dir)) return 0;
  let bytes = 0;
  for (const f of readdirSync(dir, { recursive: true, encoding: 'utf8' })) {
    const st = statSync(join(dir, f));
    if (st.isFile()) bytes += st.size;
  }
  return bytes;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Running {
  url: string;
  kernelPid: number;
  hostPid: number;
  api(path: string): Promise<Response>;
  stop(): Promise<void>;
}

async function startChild(pluginsDir: string, dataDir: string, plugin: string): Promise<Running> {
  const server = await spawnServer(import.meta.filename, {
    METRICS_BENCH_ROLE: 'kernel',
    PLUGINS_DIR: pluginsDir,
    GRANTS_FILE: join(pluginsDir, 'grants.json'),
    DATA_DIR: dataDir,
  });
  const info = server.info as { url: string; token: string; pid: number };
  const api = (path: string) =>
    fetch(`${info.url}${path}`, { headers: { authorization: `Bearer ${TOKEN}` } });
  const view = (await (await api(`/api/v1/plugins/${plugin}`)).json()) as {
    status: string;
    runtime?: { pid: number };
  };
  if (view.status !== 'running' || !view.runtime) throw new Error(`${plugin} is ${view.status}`);
  return { url: info.url, kernelPid: info.pid, hostPid: view.runtime.pid, api, stop: () => server.stop() };
}

/** CPU of the kernel and the plugin host over `seconds`: % of one core, and ms of CPU per second. */
async function cpuPercent(
  r: Running,
  seconds: number,
): Promise<{
  total: number;
  host: number;
  kernelMsPerSec: number;
  hostMsPerSec: number;
  /** Wake-ups per second of the kernel and of the plugin host (all threads). */
  kernelWakesPerSec: number;
  hostWakesPerSec: number;
  wallMs: number;
}> {
  const k0 = cpuMsOf(r.kernelPid);
  const h0 = cpuMsOf(r.hostPid);
  const kw0 = wakeUpsOf(r.kernelPid);
  const hw0 = wakeUpsOf(r.hostPid);
  const t0 = performance.now();
  await sleep(seconds * 1000);
  const wall = performance.now() - t0;
  const host = cpuMsOf(r.hostPid) - h0;
  const kernel = cpuMsOf(r.kernelPid) - k0;
  const kernelWakes = wakeUpsOf(r.kernelPid) - kw0;
  const hostWakes = wakeUpsOf(r.hostPid) - hw0;
  return {
    kernelWakesPerSec: (kernelWakes / wall) * 1000,
    hostWakesPerSec: (hostWakes / wall) * 1000,
    total: ((kernel + host) / wall) * 100,
    host: (host / wall) * 100,
    kernelMsPerSec: (kernel / wall) * 1000,
    hostMsPerSec: (host / wall) * 1000,
    wallMs: wall,
  };
}

/** The collector's count of collections so far. */
async function collections(r: Running): Promise<number> {
  const body = (await (await r.api('/api/v1/metrics/series?limit=1')).json()) as {
    collector: { collections: number };
  };
  return body.collector.collections;
}

/**
 * Bytes of the `metrics.sample` frames one WebSocket subscriber receives over `ms` (mean per
 * event), beside what the same events weighed when they also carried every value a second time,
 * as typed `samples` (name, labels without `node`, value; rebuilt here from the events' own ids:
 * the contract before each value was sent once).
 */
async function sampleBytes(
  r: Running,
  ms: number,
): Promise<{ now: number; withSamples: number; events: number; frame: string }> {
  const ws = new WebSocket(
    `${r.url.replace(/^http/, 'ws')}/api/v1/events?topics=metrics.sample`,
    ['omega.v1'],
    {
      headers: { authorization: `Bearer ${TOKEN}` },
    },
  );
  let now = 0;
  let before = 0;
  let events = 0;
  let frame = '';
  ws.on('message', (raw) => {
    const text = String(raw);
    const f = JSON.parse(text) as {
      type: string;
      data?: { node: string; at: number; values: Record<string, number>; prom?: unknown };
    };
    if (f.type !== 'event' || !f.data) return;
    frame = text;
    events++;
    now += Buffer.byteLength(text);
    const samples = Object.entries(f.data.values).map(([id, value]) => {
      const { name, labels } = parseSeriesId(id) ?? { name: id, labels: {} };
      const { node: _node, ...rest } = labels;
      return { name, labels: rest, value };
    });
    const { node, at, values, prom } = f.data;
    const old = { ...f, data: prom ? { node, at, samples, values, prom } : { node, at, samples, values } };
    before += Buffer.byteLength(JSON.stringify(old));
  });
  await new Promise((resolve, reject) => {
    ws.once('open', resolve);
    ws.once('error', reject);
  });
  await sleep(ms);
  ws.close();
  if (events === 0) throw new Error('no metrics.sample event reached the subscriber');
  return { now: now / events, withSamples: before / events, events, frame };
}

async function latencies(
  r: Running,
  path: string,
  n: number,
): Promise<{ p50: number; p99: number; bytes: number }> {
  let bytes = 0;
  for (let i = 0; i < 20; i++) await (await r.api(path)).arrayBuffer();
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    const res = await r.api(path);
    const body = await res.arrayBuffer();
    times.push(performance.now() - t);
    if (res.status !== 200) throw new Error(`${path}: ${res.status}`);
    bytes = body.byteLength;
  }
  return { p50: percentile(times, 50), p99: percentile(times, 99), bytes };
}

/** Writes an hour of 1 s history for every series this host has into the plugin's storage, as the plugin would. */
async function seedHistory(dataDir: string, node: string): Promise<number> {
  const sys = createSystemInfo({ cacheMs: 0 });
  const read = async (): Promise<SystemAreaData> => {
    const s = await sys.snapshot();
    return {
      cpu: s.cpu,
      memory: s.memory,
      disk: s.disk,
      network: s.network,
      temperature: s.temperature,
      gpu: s.gpu,
      topology: s.topology,
    };
  };
  const deriver = new SampleDeriver();
  deriver.derive(await read());
  await sleep(50);
  const samples = deriver.derive(await read());
  const storage = await openStorage({ dataDir, logger: createLogger({ level: 'silent' }) });
  const ns = storage.namespace('metrics');
  const ps: PluginStorage = {
    get: async (c, id) => (await ns.get(c, id)) ?? null,
    set: (c, id, v, o) => ns.set(c, id, v, o),
    delete: (c, id, o) => ns.delete(c, id, o),
    list: (c, o) => ns.list(c, o),
  };
  await ps.set('settings', 'node', { id: node });
  const store = new MetricStore();
  const persister = new HistoryPersister(ps, store);
  const now = Date.now();
  const start = (Math.floor(now / 60_000) - 61) * 60_000;
  for (let at = start + 20; at < now; at += 1000) {
    const phase = (at / 1000) % 600;
    store.record(
      node,
      at,
      samples.map((s) => ({ ...s, value: s.value * (0.5 + 0.5 * Math.sin(phase / 95)) })),
    );
    persister.afterSample(node, at);
  }
  await persister.idle();
  await storage.close();
  return store.size;
}

/** The depth scan as it was (the baseline): every character, string contents included. */
function charByCharDepthWithin(text: string, max: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92) i++;
      else if (c === 34) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 123 || c === 91) {
      if (++depth > max) return false;
    } else if (c === 125 || c === 93) depth--;
  }
  return true;
}

/** µs of CPU per depth scan of `text` (the kernel runs one on every plugin payload), now and before. */
function depthScanCost(text: string, n: number): { now: number; before: number } {
  const cpuPer = (scan: (t: string, max: number) => boolean) => {
    for (let i = 0; i < 200; i++) scan(text, 64);
    const c0 = process.cpuUsage();
    for (let i = 0; i < n; i++) if (!scan(text, 64)) throw new Error('depth scan refused a sample');
    const c = process.cpuUsage(c0);
    return (c.user + c.system) / n;
  };
  return { now: cpuPer(jsonDepthWithin), before: cpuPer(charByCharDepthWithin) };
}

/** Bytes per series: typed-array tiers (outside the V8 heap) and heap bookkeeping. */
function memoryPerSeries(n: number): { arrayBuffers: number; heap: number } {
  globalThis.gc?.();
  const m0 = process.memoryUsage();
  const store = new MetricStore(n);
  const now = Date.now();
  for (let i = 0; i < n; i++)
    store.record('n1', now, [{ name: 'net.rx_bytes', labels: { interface: `eth${i}` }, value: i }]);
  globalThis.gc?.();
  const m1 = process.memoryUsage();
  if (store.size !== n) throw new Error('store refused series');
  return { arrayBuffers: (m1.arrayBuffers - m0.arrayBuffers) / n, heap: (m1.heapUsed - m0.heapUsed) / n };
}

/**
 * In-process CPU of the kernel's per-second disk read (cacheMs 0: every call reads), the mount
 * table re-read every call (as before) against every 10 s (now); and of one `sample` of the four
 * per-second areas against four `read`s. µs of CPU per call, each over `n` calls.
 */
async function kernelReadCost(n: number) {
  const cpuPer = async (fn: () => Promise<unknown>) => {
    for (let i = 0; i < 20; i++) await fn();
    const c0 = process.cpuUsage();
    for (let i = 0; i < n; i++) await fn();
    const c = process.cpuUsage(c0);
    return (c.user + c.system) / n;
  };
  const eager = createSystemInfo({ cacheMs: 0, mountsRecheckMs: 0 });
  const lazy = createSystemInfo({ cacheMs: 0 });
  const areas = ['cpu', 'memory', 'disk', 'network'] as const;
  return {
    diskEager: await cpuPer(() => eager.disk()),
    diskLazy: await cpuPer(() => lazy.disk()),
    fourReads: await cpuPer(() => Promise.all(areas.map((a) => lazy.read(a)))),
    oneSample: await cpuPer(() => lazy.sample(areas)),
  };
}

/**
 * In-process CPU of the gpu area on this host (readGpus: sysfs first, systeminformation only
 * when sysfs shows a display controller or accelerator) against systeminformation's graphics()
 * as it was called on every read before (its spawned children's CPU not counted: a floor).
 * µs of CPU per call.
 */
async function gpuCost() {
  const cpuPer = async (fn: () => Promise<unknown>, runs: number) => {
    for (let i = 0; i < 3; i++) await fn();
    const c0 = process.cpuUsage();
    for (let i = 0; i < runs; i++) await fn();
    const c = process.cpuUsage(c0);
    return (c.user + c.system) / runs;
  };
  return {
    gpuNow: await cpuPer(() => readGpus({ sysRoot: '/sys', procRoot: '/proc' }), 20),
    gpuBefore: await cpuPer(() => si.graphics(), 5),
  };
}

async function main(): Promise<void> {
  const seconds = Number(process.env.BENCH_SECONDS ?? 120);
  const warmup = Number(process.env.BENCH_WARMUP ?? 90);
  const reads = await kernelReadCost(Number(process.env.BENCH_READS ?? 2_000));
  console.log(`kernel system reads in-process; loadavg ${(loadavg()[0] ?? 0).toFixed(2)}`);
  report({
    name: 'kernel disk read, CPU per read (mount table every 10 s)',
    value: reads.diskLazy,
    unit: 'µs',
    baseline: { name: 'mount table read every second (before)', value: reads.diskEager },
  });
  report({
    name: 'kernel cpu+memory+disk+network in one sample(), CPU',
    value: reads.oneSample,
    unit: 'µs',
    baseline: { name: 'four read(area) calls', value: reads.fourReads },
  });
  const gs = await gpuCost();
  report({
    name: `kernel gpu read, CPU per read (${gs.gpuNow < 1000 ? 'no GPU in sysfs: nothing spawned' : 'GPUs in sysfs: systeminformation'})`,
    value: gs.gpuNow,
    unit: 'µs',
    baseline: { name: 'systeminformation graphics() (before; children not counted)', value: gs.gpuBefore },
  });
  const root = mkdtempSync(join(tmpdir(), 'omega-metrics-bench-'));
  const children: Running[] = [];
  try {
    // Baseline: an idle plugin in its own plugin host.
    const idleDir = join(root, 'idle-plugins');
    mkdirSync(join(idleDir, 'idle'), { recursive: true });
    const code = 'export const plugin = { async activate() {} };\n';
    writeFileSync(join(idleDir, 'idle', 'plugin.js'), code);
    writeFileSync(
      join(idleDir, 'idle', 'plugin.json'),
      JSON.stringify({
        name: 'idle',
        version: '1.0.0',
        engines: { omega: '>=0.1.0' },
        main: 'plugin.js',
        integrity: computeIntegrity(Buffer.from(code)),
      }),
    );
    writeFileSync(join(idleDir, 'grants.json'), JSON.stringify({ idle: { granted: [], denied: [] } }));
    const idleData = mkdtempSync(join(root, 'data-'));
    const idle = await startChild(idleDir, idleData, 'idle');
    children.push(idle);
    const baseStartup = await cpuPercent(idle, warmup);
    const baseLog0 = eventLogBytes(idleData);
    const base = await cpuPercent(idle, seconds);
    const baseLogRate = (eventLogBytes(idleData) - baseLog0) / (base.wallMs / 1000);
    const baseLoad = loadavg()[0] ?? 0;
    await idle.stop();
    children.splice(0);

    // The metrics plugin, with an hour of history restored from its storage.
    const metricsSrc = join(import.meta.dirname, '..', 'plugins', 'metrics');
    await buildPlugin(metricsSrc, { typecheck: false });
    const mDir = join(root, 'metrics-plugins');
    mkdirSync(join(mDir, 'metrics', 'dist'), { recursive: true });
    writeFileSync(
      join(mDir, 'metrics', 'dist', 'plugin.json'),
      readFileSync(join(metricsSrc, 'dist', 'plugin.json')),
    );
    writeFileSync(
      join(mDir, 'metrics', 'dist', 'plugin.js'),
      readFileSync(join(metricsSrc, 'dist', 'plugin.js')),
    );
    // its panel (ui.root, sealed in the built manifest)
    cpSync(join(metricsSrc, 'panels'), join(mDir, 'metrics', 'panels'), { recursive: true });
    const manifest = JSON.parse(readFileSync(join(metricsSrc, 'plugin.json'), 'utf8')) as {
      permissions: string[];
    };
    writeFileSync(
      join(mDir, 'grants.json'),
      JSON.stringify({ metrics: { granted: manifest.permissions, denied: [] } }),
    );
    const dataDir = mkdtempSync(join(root, 'data-'));
    const node = nodeIdFrom(hostname());
    const seeded = await seedHistory(dataDir, node);
    const m = await startChild(mDir, dataDir, 'metrics');
    children.push(m);
    const startup = await cpuPercent(m, warmup);
    const c0 = await collections(m);
    const log0 = eventLogBytes(dataDir);
    // What one wake-up costs here now, measured beside the window (the goal figure moves with it).
    const [cpu, wokeOnce, wokeTwice] = await Promise.all([
      cpuPercent(m, seconds),
      idleWakeCost(1, seconds),
      idleWakeCost(2, seconds),
    ]);
    const logRate = (eventLogBytes(dataDir) - log0) / (cpu.wallMs / 1000);
    const c1 = await collections(m);
    const load = loadavg()[0] ?? 0;
    const series = (await (await m.api('/api/v1/metrics/series?limit=1')).json()) as {
      collector: {
        series: number;
        collections: number;
        lastDurationMs: number;
        persisted: { batches: number };
      };
    };
    const perSec = (c1 - c0) / (cpu.wallMs / 1000);

    console.log(
      `metrics plugin: ${series.collector.series} series on this host (${seeded} seeded with 1 h of history); steady state: ${seconds} s per CPU run after ${warmup} s of warm-up; loadavg ${baseLoad.toFixed(2)} (baseline run) / ${load.toFixed(2)} (metrics run)`,
    );
    report({
      name: 'collector CPU, kernel + plugin host (attributable, steady state)',
      value: cpu.total - base.total,
      unit: '% of one core',
      baseline: { name: 'kernel + idle plugin host', value: base.total },
      goal: '≤ 0.25 % (issue #13)',
      met: cpu.total - base.total <= 0.25,
    });
    report({
      name: `collector CPU during the first ${warmup} s (attributable, start-up)`,
      value: startup.total - baseStartup.total,
      unit: '% of one core',
      baseline: { name: `kernel + idle plugin host, first ${warmup} s`, value: baseStartup.total },
    });
    report({
      name: 'collector CPU, kernel + plugin host (raw)',
      value: cpu.total,
      unit: '% of one core',
      baseline: { name: 'kernel + idle plugin host', value: base.total },
    });
    report({
      name: 'collector CPU, plugin host alone (raw)',
      value: cpu.host,
      unit: '% of one core',
      baseline: { name: 'idle plugin host', value: base.host },
    });
    // Per collection: the CPU above the idle baseline's, per collection made in the window.
    report({
      name: 'kernel CPU per collection (attributable)',
      value: ((cpu.kernelMsPerSec - base.kernelMsPerSec) / perSec) * 1000,
      unit: 'µs',
      baseline: { name: 'idle kernel, CPU per second', value: base.kernelMsPerSec * 1000 },
    });
    report({
      name: 'plugin host CPU per collection (attributable)',
      value: ((cpu.hostMsPerSec - base.hostMsPerSec) / perSec) * 1000,
      unit: 'µs',
      baseline: { name: 'idle plugin host, CPU per second', value: base.hostMsPerSec * 1000 },
    });
    // Wake-ups are most of an idle machine's share: the figure above moves with their price.
    report({
      name: 'wake-ups per collection, kernel (attributable)',
      value: (cpu.kernelWakesPerSec - base.kernelWakesPerSec) / perSec,
      unit: '',
      baseline: { name: 'idle kernel, wake-ups per second', value: base.kernelWakesPerSec },
    });
    report({
      name: 'wake-ups per collection, plugin host (attributable)',
      value: (cpu.hostWakesPerSec - base.hostWakesPerSec) / perSec,
      unit: '',
      baseline: { name: 'idle plugin host, wake-ups per second', value: base.hostWakesPerSec },
    });
    report({
      name: 'one wake-up with nothing to do (bare node, same window)',
      value: wokeTwice - wokeOnce,
      unit: 'µs',
      baseline: { name: 'bare node woken once a second, CPU per second', value: wokeOnce },
    });
    // metrics.sample is replayed from memory only: what the log still gets is the other events.
    report({
      name: 'event log growth in the window',
      value: logRate,
      unit: 'bytes/s',
      baseline: { name: 'idle kernel', value: baseLogRate },
    });
    console.log(
      `  (${c1 - c0} collections in the window, ${series.collector.persisted.batches} persisted batches, last collection ${series.collector.lastDurationMs} ms wall)`,
    );
    const bytes = await sampleBytes(m, 4_000);
    report({
      name: 'metrics.sample frame per subscriber',
      value: bytes.now,
      unit: 'bytes',
      baseline: {
        name: 'same events, each value twice (samples[] + values{}, before)',
        value: bytes.withSamples,
      },
    });
    const scan = depthScanCost(bytes.frame, Number(process.env.BENCH_SCANS ?? 20_000));
    report({
      name: `JSON depth scan of a metrics.sample frame (${(bytes.frame.length / 1024).toFixed(1)} KiB), CPU`,
      value: scan.now,
      unit: 'µs',
      baseline: { name: 'every character scanned (before)', value: scan.before },
    });

    const sel = encodeURIComponent(`cpu.busy{node="${node}",cpu="total"}`);
    const q = await latencies(m, `/api/v1/metrics/query?series=${sel}&from=now-1h&step=1s`, 300);
    const trivial = await latencies(m, '/api/v1/metrics/alerts', 300);
    const health = await latencies(m, '/api/v1/health', 300);
    report({
      name: `range query 1 h @ 1 s, 3601 points (${(q.bytes / 1024).toFixed(0)} KiB), p50`,
      value: q.p50,
      unit: 'ms',
      baseline: { name: 'trivial plugin route p50', value: trivial.p50 },
    });
    report({
      name: 'range query 1 h @ 1 s, p99',
      value: q.p99,
      unit: 'ms',
      baseline: { name: 'trivial plugin route p99', value: trivial.p99 },
    });
    report({ name: 'kernel /health p50 (same run)', value: health.p50, unit: 'ms' });
    await m.stop();
    children.splice(0);

    const mem = memoryPerSeries(2_000);
    const [raw, minute, hour] = TIERS;
    const typed = (raw.capacity + 3 * minute.capacity + 3 * hour.capacity) * 4;
    report({
      name: 'memory per series, typed arrays',
      value: mem.arrayBuffers,
      unit: 'bytes',
      baseline: { name: 'tier capacity x 4 bytes', value: typed },
    });
    report({ name: 'memory per series, V8 heap bookkeeping', value: mem.heap, unit: 'bytes' });
  } finally {
    for (const c of children) await c.stop().catch(() => {});
    rmSync(root, { recursive: true, force: true });
  }
}

/** A kernel source file changed since `built` was built (the bench would measure old code), if any. */
function newerSource(built: string): string | undefined {
  const builtAt = statSync(built).mtimeMs;
  const repo = join(import.meta.dirname, '..');
  for (const dir of ['kernel', 'protocol/src', 'hostinfo/src']) {
    for (const file of readdirSync(join(repo, dir), { recursive: true }) as string[]) {
      if (!file.endsWith('.ts')) continue;
      const path = join(repo, dir, file);
      if (statSync(path).mtimeMs > builtAt) return join(dir, file);
    }
  }
  return undefined;
}

/**
 * The kernel role: the kernel as `npm start` ships it (dist/cli.js, its plugin hosts running
 * dist/plugin-host.cjs) when this checkout is built, else from source (its hosts then run
 * host/main.ts through tsx: not the shipped host, and said so). Prints `{ url, token, pid }`, pid
 * being the kernel's own process.
 */
async function runKernelRole(): Promise<void> {
  const env = process.env as Record<string, string>;
  const built = join(import.meta.dirname, '..', 'dist', 'cli.js');
  // metrics-ab.bench.ts may hand a copy of it whose hosts start with extra V8 flags.
  const cli = env.METRICS_BENCH_CLI ?? built;
  if (!existsSync(cli)) {
    process.stderr.write(
      'metrics bench: no dist/cli.js (npx tsup): the kernel runs from source, its hosts through tsx\n',
    );
    const kernel = await startKernel(
      parseConfig({
        port: 0,
        dataDir: env.DATA_DIR,
        auth: { adminToken: TOKEN },
        log: { level: 'warn' },
        plugins: { dirs: [env.PLUGINS_DIR as string], grantsFile: env.GRANTS_FILE, warmHosts: 0 },
      }),
      { logger: createLogger({ level: 'warn' }) },
    );
    process.stdout.write(`${JSON.stringify({ url: kernel.url, token: TOKEN, pid: process.pid })}\n`);
    process.on('SIGTERM', () => {
      kernel.stop('bench done').then(() => process.exit(0));
    });
    return;
  }
  const stale = newerSource(built);
  if (stale) {
    process.stderr.write(`metrics bench: ${stale} is newer than dist/cli.js: run npx tsup first\n`);
    process.exit(1);
  }
  const configFile = join(env.DATA_DIR as string, 'bench-config.json');
  writeFileSync(
    configFile,
    JSON.stringify({ plugins: { dirs: [env.PLUGINS_DIR], grantsFile: env.GRANTS_FILE, warmHosts: 0 } }),
  );
  const args = [cli, 'start', '--port', '0', '--data-dir', env.DATA_DIR as string, '--config', configFile];
  const child = spawn(process.execPath, [...args, '--no-local-agent', '--log-level', 'warn'], {
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, NODE_OPTIONS: '', OMEGA_ADMIN_TOKEN: TOKEN },
  });
  const lines = createInterface({ input: child.stderr! });
  const url = await new Promise<string>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`the kernel exited with ${code} before listening`)));
    lines.on('line', (line) => {
      const m = /listening on (\S+)/.exec(line);
      if (m) resolve(m[1] as string);
    });
  });
  process.stdout.write(`${JSON.stringify({ url, token: TOKEN, pid: child.pid })}\n`);
  process.on('SIGTERM', () => {
    child.once('exit', () => process.exit(0));
    child.kill('SIGTERM');
  });
}

if (process.env.METRICS_BENCH_ROLE === 'kernel') {
  await runKernelRole();
} else {
  await main();
}
