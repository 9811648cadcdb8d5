import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { buildPlugin } from '../sdk/src/build/index.js';
import { kernelWithHostFlags } from './metrics-host-flags.js';
import { cpuMsOf, wakeUpsOf } from './proc-counters.js';
import { percentile, report } from './report.js';
import { type BenchServer, spawnServer } from './spawn-server.js';

/**
 * The metrics collector's CPU in two kernels side by side: A (BENCH_A, default
 * /work/before-s11: main before this round) and B (BENCH_B, default this tree), each running
 * the same metrics plugin bundle (built from this tree), or with BENCH_PLUGIN=each its own
 * tree's built plugins/metrics/dist (when the plugin's change needs its kernel's, e.g.
 * ctx.events.emit; build each tree first: npm run build:plugins), started together and measured in the same windows, so both
 * face the same contention. After BENCH_WARMUP seconds (default 90), BENCH_WINDOWS windows
 * (default 10) of BENCH_WINDOW seconds (default 20): per window, CPU per collection of each
 * kernel and each plugin host (scheduler run time of every thread, /proc/<pid>/task/<tid>/schedstat,
 * plus reaped children). Printed: medians over the windows, and the median of the per-window
 * ratios B/A. Not minus an idle kernel (both kernels idle alike): the difference is the change.
 * Also the kernel's wake-ups per collection: voluntary context switches of all its threads
 * (/proc/<pid>/task/<tid>/status), each a sleep the event loop or a pool thread woke from.
 *
 * Each tree's bench/metrics.bench.ts is its kernel (METRICS_BENCH_ROLE=kernel), so A needs no
 * file of this one. Run: npx tsx --conditions=source bench/metrics-ab.bench.ts
 *
 * BENCH_HOST_FLAGS_A / BENCH_HOST_FLAGS_B (space-separated V8 flags) start that side's plugin
 * hosts with the flags added to spawn-host.ts's own (a patched copy of the tree's dist/cli.js:
 * bench/metrics-host-flags.ts); the side's tree must be built and its bench/metrics.bench.ts
 * must know METRICS_BENCH_CLI (this one's does). E.g. the same tree twice, B with flags:
 * BENCH_A=. BENCH_HOST_FLAGS_B='--single-threaded-gc' npx tsx … metrics-ab.bench.ts
 */

const TOKEN = 'bench-admin-token-0123456789abcdef';

interface Side {
  name: string;
  server: BenchServer;
  kernelPid: number;
  hostPid: number;
  api(path: string): Promise<Response>;
}

/** Starts `tree`'s kernel on its own copy of the plugin folder and data dir. */
/** A plugins folder holding `from`'s built metrics plugin (dist + panels), granted what it declares. */
function pluginsFolder(from: string, to: string): string {
  mkdirSync(join(to, 'metrics', 'dist'), { recursive: true });
  for (const f of ['plugin.json', 'plugin.js']) cpSync(join(from, 'dist', f), join(to, 'metrics', 'dist', f));
  cpSync(join(from, 'panels'), join(to, 'metrics', 'panels'), { recursive: true });
  const manifest = JSON.parse(readFileSync(join(from, 'plugin.json'), 'utf8')) as { permissions: string[] };
  writeFileSync(
    join(to, 'grants.json'),
    JSON.stringify({ metrics: { granted: manifest.permissions, denied: [] } }),
  );
  return to;
}

async function startSide(
  name: string,
  tree: string,
  plugins: string,
  root: string,
  hostFlags: string[],
): Promise<Side> {
  const dir = join(root, `${name}-plugins`);
  cpSync(plugins, dir, { recursive: true });
  const cli =
    hostFlags.length > 0 ? kernelWithHostFlags(tree, hostFlags, join(root, `${name}-kernel`)) : undefined;
  const server = await spawnServer(join(tree, 'bench', 'metrics.bench.ts'), {
    ...(cli ? { METRICS_BENCH_CLI: cli } : {}),
    METRICS_BENCH_ROLE: 'kernel',
    PLUGINS_DIR: dir,
    GRANTS_FILE: join(dir, 'grants.json'),
    DATA_DIR: mkdtempSync(join(root, `${name}-data-`)),
  });
  const info = server.info as { url: string; pid: number };
  const api = (path: string) =>
    fetch(`${info.url}${path}`, { headers: { authorization: `Bearer ${TOKEN}` } });
  const view = (await (await api('/api/v1/plugins/metrics')).json()) as {
    status: string;
    runtime?: { pid: number };
  };
  if (view.status !== 'running' || !view.runtime) throw new Error(`${name}: metrics is ${view.status}`);
  const argv = readFileSync(`/proc/${view.runtime.pid}/cmdline`, 'utf8').split('\0');
  const missing = hostFlags.filter((f) => !argv.includes(f));
  if (missing.length > 0) throw new Error(`${name}: its plugin host did not start with ${missing.join(' ')}`);
  return { name, server, kernelPid: info.pid, hostPid: view.runtime.pid, api };
}

async function collections(s: Side): Promise<number> {
  const body = (await (await s.api('/api/v1/metrics/series?limit=1')).json()) as {
    collector: { collections: number };
  };
  return body.collector.collections;
}

interface Reading {
  kernel: number;
  wakeUps: number;
  host: number;
  collections: number;
}

const read = async (s: Side): Promise<Reading> => ({
  kernel: cpuMsOf(s.kernelPid),
  wakeUps: wakeUpsOf(s.kernelPid),
  host: cpuMsOf(s.hostPid),
  collections: await collections(s),
});

/** How a side's extra host flags are printed beside its tree. */
const hostFlagsNote = (flags: string[]): string => (flags.length > 0 ? ` (hosts + ${flags.join(' ')})` : '');

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const median = (v: number[]) => percentile(v, 50);

async function main(): Promise<void> {
  const treeA = resolve(process.env.BENCH_A ?? '/work/before-s11');
  const treeB = resolve(process.env.BENCH_B ?? join(import.meta.dirname, '..'));
  const warmup = Number(process.env.BENCH_WARMUP ?? 90);
  const windows = Number(process.env.BENCH_WINDOWS ?? 10);
  const windowS = Number(process.env.BENCH_WINDOW ?? 20);
  const root = mkdtempSync(join(tmpdir(), 'omega-metrics-ab-'));
  const sides: Side[] = [];
  try {
    const each = process.env.BENCH_PLUGIN === 'each';
    const metricsOf = (tree: string) => join(tree, 'plugins', 'metrics');
    // One bundle for both unless BENCH_PLUGIN=each: then the plugin is part of what is compared.
    const src = join(import.meta.dirname, '..', 'plugins', 'metrics');
    if (!each) await buildPlugin(src, { typecheck: false });
    const pluginsA = pluginsFolder(each ? metricsOf(treeA) : src, join(root, 'plugins-a'));
    const pluginsB = pluginsFolder(each ? metricsOf(treeB) : src, join(root, 'plugins-b'));
    const flagsOf = (v: string | undefined) => (v ?? '').split(/\s+/).filter((f) => f !== '');
    const flagsA = flagsOf(process.env.BENCH_HOST_FLAGS_A);
    const flagsB = flagsOf(process.env.BENCH_HOST_FLAGS_B);
    sides.push(await startSide('A', treeA, pluginsA, root, flagsA));
    sides.push(await startSide('B', treeB, pluginsB, root, flagsB));
    const [a, b] = sides as [Side, Side];
    await sleep(warmup * 1000);
    const per: Record<'kA' | 'kB' | 'hA' | 'hB' | 'kRatio' | 'hRatio' | 'wA' | 'wB', number[]> = {
      wA: [],
      wB: [],
      kA: [],
      kB: [],
      hA: [],
      hB: [],
      kRatio: [],
      hRatio: [],
    };
    const loads: number[] = [];
    for (let w = 0; w < windows; w++) {
      // Read the two sides in alternating order, so neither is always read first.
      const first = w % 2 === 0 ? [a, b] : [b, a];
      const r0 = new Map<Side, Reading>();
      for (const s of first) r0.set(s, await read(s));
      await sleep(windowS * 1000);
      const r1 = new Map<Side, Reading>();
      for (const s of first) r1.set(s, await read(s));
      const cost = (s: Side) => {
        const x = r0.get(s)!;
        const y = r1.get(s)!;
        const n = y.collections - x.collections;
        return {
          kernel: ((y.kernel - x.kernel) / n) * 1000,
          host: ((y.host - x.host) / n) * 1000,
          wakeUps: (y.wakeUps - x.wakeUps) / n,
        };
      };
      const ca = cost(a);
      const cb = cost(b);
      per.wA.push(ca.wakeUps);
      per.wB.push(cb.wakeUps);
      per.kA.push(ca.kernel);
      per.kB.push(cb.kernel);
      per.hA.push(ca.host);
      per.hB.push(cb.host);
      per.kRatio.push(cb.kernel / ca.kernel);
      per.hRatio.push(cb.host / ca.host);
      loads.push(loadavg()[0] ?? 0);
    }
    console.log(
      `A = ${treeA}${hostFlagsNote(flagsA)}, B = ${treeB}${hostFlagsNote(flagsB)}; plugin: ${each ? "each tree's own" : 'one bundle from B'}; ${windows} windows of ${windowS} s after ${warmup} s of warm-up; loadavg median ${median(loads).toFixed(2)} (min ${Math.min(...loads).toFixed(2)}, max ${Math.max(...loads).toFixed(2)})`,
    );
    report({
      name: 'kernel CPU per collection, B (median of windows)',
      value: median(per.kB),
      unit: 'µs',
      baseline: { name: 'A, same windows', value: median(per.kA) },
    });
    report({
      name: 'kernel CPU per collection, median of B/A per window',
      value: median(per.kRatio),
      unit: '×',
    });
    report({
      name: 'kernel wake-ups per collection, B (median of windows)',
      value: median(per.wB),
      unit: '',
      baseline: { name: 'A, same windows', value: median(per.wA) },
    });
    report({
      name: 'plugin host CPU per collection, B (median of windows)',
      value: median(per.hB),
      unit: 'µs',
      baseline: { name: 'A, same windows', value: median(per.hA) },
    });
    report({
      name: 'plugin host CPU per collection, median of B/A per window',
      value: median(per.hRatio),
      unit: '×',
    });
    console.log(`  kernel B/A per window: ${per.kRatio.map((r) => r.toFixed(2)).join(' ')}`);
  } finally {
    for (const s of sides) await s.server.stop().catch(() => {});
    rmSync(root, { recursive: true, force: true });
  }
}

await main();
