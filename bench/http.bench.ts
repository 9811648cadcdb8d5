import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { pathToFileURL } from 'node:url';
import { SETTLE_IDLE_MS } from '../kernel/sandbox/host/create-idle-settle.js';
import { balancedOrder, cycleCoverage } from './balanced-order.js';
import { httpBenchSettings, type PacedTargetKey } from './http-bench-settings.js';
import { ensureWrk, type LoadResult, wrk } from './http-load.js';
import { type OpenLoopResult, openLoop } from './http-open-loop.js';
import { cpuMs } from './http-proc.js';
import { type GcPauses, gcMark, gcPausesSince } from './open-loop-gc-pauses.js';
import { realtimePrefix, setRealtime } from './open-loop-realtime.js';
import { formatRounds, summariseRounds } from './open-loop-rounds.js';
import { readSchedCounters, type SchedCounters, schedDelta } from './open-loop-waits.js';
import { median, report } from './report.js';
import { sampleMemory, unitWithRange } from './sample-memory.js';
import { ADMIN_TOKEN, childPids, type OmegaUnderTest, startOmega } from './servers/start-omega.js';
import { spawnServer } from './spawn-server.js';
import { stopOnExit } from './stop-on-exit.js';

/**
 * The kernel's request path against what it could be, all targets in one run (issue #13):
 *
 * - a bare node:http server (servers/bare-node.ts): the floor of the fixed-rate figures, and its
 *   twin (an A/A pair: the difference between the two is the run's noise);
 * - hono with the handler in its own process (servers/bare-hono.ts): the ceiling;
 * - the reference plugin path (servers/reference-plugin.ts): hono → plugin-host child over a
 *   socketpair (frames batched per turn) → isolate, public and with a verified-token cache;
 * - Omega as `npm start` runs it (dist/cli.js, core plugins, default log level, log to a file):
 *   `GET /api/v1/health`, the echo plugin's public route and the same route with a viewer JWT;
 * - with OMEGA_BENCH_BEFORE=<another checkout with a built dist/> (e.g. a worktree of main),
 *   the same three targets on that build too, for before/after figures from one run;
 * - then also a second kernel of this checkout in the throughput part (an A/A twin;
 *   OMEGA_BENCH_AA=1 adds it without a before, =0 leaves it out): two kernel instances of the
 *   same build have read up to 1.29× apart in CPU per /health request in one run on a noisy VM,
 *   so a before/after ratio means something only beside the twin/this ratio of the same run,
 *   printed next to it (and the twin's idle hosts beside this kernel's: the ≤ 50 MB goal has read
 *   50.1 against 49.8 MB for identical code).
 *
 * wrk (one thread, 50 connections) runs each target for OMEGA_BENCH_SECONDS (default 5) s, in
 * OMEGA_BENCH_ROUNDS (default 3) interleaved rounds (in a balanced order, balanced-order.ts; the
 * run says whether it covered whole cycles of it); figures are medians. Each server
 * runs alone in its own process; its CPU use during the load is printed, and the CPU time it
 * spent per request (on a shared machine the other processes decide req/s more than the code
 * does: CPU per request is what a change moves), also as requests per CPU-second beside each
 * goal's baseline. Then p99 latency at a fixed 1,000 req/s (open loop, wrk2-style: each request is due
 * on a schedule and its latency counts from then, so a stall is charged to every request it
 * delays; generator: http-open-loop.ts, in its own process, its own lateness printed beside
 * every row) for bare node:http, hono, the reference path and Omega's three targets, each for
 * OMEGA_BENCH_PACED_SECONDS (default 10) s after 1 s of warm-up, in OMEGA_BENCH_PACED_ROUNDS
 * (default 3) interleaved rounds (each p99 is the median row's, printed with the rows' spread:
 * open-loop-rounds.ts), with the server's CPU (and its children's) at that rate, what its main
 * thread and its children's waited runnable for a CPU per request and how often they were
 * preempted (/proc/<pid>/schedstat and status: open-loop-waits.ts), the VM's steal time and the
 * kernel's GC pauses in the run (a perf_hooks observer preloaded into each kernel:
 * open-loop-gc.mjs); then the same targets "isolated", each server
 * and its children under SCHED_FIFO for its run (the generator always is, where chrt is allowed:
 * open-loop-realtime.ts), which on a shared machine leaves only the server's own tail; the kernel's log
 * volume; and the plugin hosts' idle RSS and private memory beside a bare `node -e`, each the median
 * of 13 readings over 3 s with their range, all processes read together (sample-memory.ts).
 * An isolated plugin-route row gives the plugin hosts' real-time budget to the host serving the
 * route alone (open-loop-realtime.ts); OMEGA_BENCH_RT_SPLIT=1 adds the same rows with the budget
 * split among all hosts, as it was, beside them.
 *
 * The fixed-rate part alone (each target then first warmed 5 s at the rate, unrecorded), some
 * targets, one mode (http-bench-settings.ts), e.g.
 * `OMEGA_BENCH_PARTS=fixed-rate OMEGA_BENCH_PACED_TARGETS=open,auth OMEGA_BENCH_PACED_MODES=isolated
 * npm run bench -- http.bench` (bare node:http, its twin and hono always run: the baselines).
 */
const settings = httpBenchSettings(process.env);
const SECONDS = settings.seconds;
const ROUNDS = settings.rounds;
const CONNECTIONS = 50;
const BEFORE = process.env.OMEGA_BENCH_BEFORE;
// The twin is read in the throughput part (req/s, CPU per request) and the idle memory after it,
// not in a fixed-rate-only run, where it would only load the machine under the paced rows.
const AA =
  settings.throughput &&
  (process.env.OMEGA_BENCH_AA === undefined ? BEFORE !== undefined : process.env.OMEGA_BENCH_AA === '1');
const PACED_SECONDS = settings.pacedSeconds;
const PACED_RATE = 1000;
const PACED_ROUNDS = settings.pacedRounds;
/** Fixed-rate seconds each target runs unrecorded before the rounds when the wrk part did not warm it. */
const PACED_WARM_SECONDS = 5;

if (settings.throughput) ensureWrk();
const dir = import.meta.dirname;
console.log(
  `starting: bare node:http, bare hono, reference plugin path, Omega (dist/cli.js start)${AA ? ', its A/A twin' : ''}${BEFORE ? ', before' : ''} …`,
);
const bareNode = await spawnServer(join(dir, 'servers', 'bare-node.ts'));
// its twin: an A/A pair in the fixed-rate rows shows the run's noise beside every difference
const bareTwin = await spawnServer(join(dir, 'servers', 'bare-node.ts'));
const hono = await spawnServer(join(dir, 'servers', 'bare-hono.ts'));
const ref = await spawnServer(join(dir, 'servers', 'reference-plugin.ts'));
// Each kernel logs its GC pauses (bench/open-loop-gc.mjs, a perf_hooks observer) for the fixed-rate rows.
const gcFile = join(tmpdir(), `omega-bench-gc-${process.pid}.log`);
const gcWatch = {
  nodeArgs: ['--import', pathToFileURL(join(dir, 'open-loop-gc.mjs')).href],
  env: { OMEGA_BENCH_GC_FILE: gcFile },
};
const omega = await startOmega(gcWatch);
const twin = AA ? await startOmega(gcWatch) : undefined;
const before = BEFORE ? await startOmega({ root: BEFORE, ...gcWatch }) : undefined;
const kernels = [omega, ...(twin ? [twin] : []), ...(before ? [before] : [])];
// A run that fails part-way (a target's bad responses, a refused chrt) still stops its servers.
const exit = stopOnExit({
  pids: () => [...[bareNode, bareTwin, hono, ref].map(pidOf), ...kernels.map((k) => k.pid)],
});

interface Target {
  name: string;
  url: string;
  headers?: Record<string, string>;
  /** The server's process; its children (plugin hosts) are measured too. */
  pid: number;
  kernel?: OmegaUnderTest;
  /** The plugin serving the route: its host alone gets the RT budget in an isolated row. */
  plugin?: string;
  /** Isolated rows: split the RT budget among all plugin hosts instead (the old way, for comparison). */
  rtSplit?: boolean;
  runs: LoadResult[];
  /** CPU used per run, ms: the server process, and its children. */
  cpu: Array<{ main: number; children: number }>;
}
const pidOf = (s: { info: object }) => (s.info as { pid: number }).pid;
const bearer = (t: string) => ({ authorization: `Bearer ${t}` });
const target = (name: string, url: string, pid: number, headers?: Record<string, string>): Target => ({
  name,
  url,
  pid,
  runs: [],
  cpu: [],
  ...(headers ? { headers } : {}),
});
const kernelTargets = (k: OmegaUnderTest, label: string) => ({
  health: { ...target(`${label} GET /api/v1/health`, `${k.url}/api/v1/health`, k.pid), kernel: k },
  open: {
    ...target(`${label} plugin route, public`, `${k.url}/api/v1/echo/open`, k.pid),
    kernel: k,
    plugin: 'echo',
  },
  auth: {
    ...target(`${label} plugin route, JWT`, `${k.url}/api/v1/echo/guarded`, k.pid, bearer(k.token)),
    kernel: k,
    plugin: 'echo',
  },
});
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
  ...kernelTargets(omega, 'Omega'),
};
const aa = twin ? kernelTargets(twin, 'A/A twin:') : undefined;
const old = before ? kernelTargets(before, 'before:') : undefined;
const all = [...Object.values(targets), ...(aa ? Object.values(aa) : []), ...(old ? Object.values(old) : [])];

const logAtStart = new Map(kernels.map((k) => [k, k.logBytes()]));
const served = new Map(kernels.map((k) => [k, 0]));
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
  if (t.kernel) served.set(t.kernel, served.get(t.kernel)! + r.requests);
  if (record) {
    t.runs.push(r);
    t.cpu.push({ main, children });
  }
  return r;
};
/** What a fixed-rate run measured, with the server's CPU (% of a core) at that rate, and its children's. */
type Paced = OpenLoopResult & {
  cpu: number;
  childrenCpu: number;
  gc?: GcPauses;
  /** Isolated rows: the server's processes that stayed at normal priority (plugin hosts in cpu cgroups). */
  normal?: number;
  /** Scheduler counters over the run (its warm-up too): the server's main thread, and its children's summed. */
  sched: { main: SchedCounters; children: SchedCounters };
};
const sumSched = (xs: SchedCounters[]): SchedCounters =>
  xs.reduce(
    (a, b) => ({
      runMs: a.runMs + b.runMs,
      waitMs: a.waitMs + b.waitMs,
      slices: a.slices + b.slices,
      voluntary: a.voluntary + b.voluntary,
      involuntary: a.involuntary + b.involuntary,
    }),
    { runMs: 0, waitMs: 0, slices: 0, voluntary: 0, involuntary: 0 },
  );
/**
 * A fixed-rate run: latencies from the schedule, and the server's CPU over the measured window.
 * `isolated`: the server and its children run under SCHED_FIFO for the run (open-loop-realtime.ts),
 * so no other process delays them and the tail left is the server's own (and the VM's steal).
 */
const runPaced = async (t: Target, isolated = false): Promise<Paced> => {
  const pids = [t.pid, ...childPids(t.pid)];
  const gc0 = gcMark(gcFile);
  const sched0 = pids.map(readSchedCounters);
  // the RT budget goes to the host serving the route (none for a kernel route), all of them with rtSplit
  const host = isolated && t.plugin && !t.rtSplit ? await t.kernel?.pluginPid(t.plugin) : undefined;
  const budgeted = t.rtSplit ? pids : host ? [host] : [];
  const normal = isolated ? setRealtime(pids, true, budgeted) : [];
  // Back to normal priority: every process of the server now (one started meanwhile too).
  const release = () => isolated && setRealtime([t.pid, ...childPids(t.pid)], false);
  if (normal.includes(t.pid)) {
    release();
    throw new Error(`${t.name}: cannot put it under SCHED_FIFO`);
  }
  const r = await openLoop(t.url, {
    rate: PACED_RATE,
    seconds: PACED_SECONDS,
    pids,
    ...(t.headers ? { headers: t.headers } : {}),
  }).finally(release);
  const sched = pids.map((pid, i) => schedDelta(sched0[i]!, readSchedCounters(pid)));
  // the warm-up's requests were served too
  if (t.kernel) served.set(t.kernel, served.get(t.kernel)! + r.requests + PACED_RATE);
  const [cpu = Number.NaN, ...kids] = r.pidCpu;
  const childrenCpu = kids.reduce((sum, x) => sum + x, 0);
  // the kernel's pauses over the run (its 1 s warm-up included)
  return {
    ...r,
    cpu,
    childrenCpu,
    ...(t.kernel ? { gc: gcPausesSince(gcFile, gc0, t.pid) } : {}),
    ...(isolated ? { normal: normal.length } : {}),
    sched: { main: sched[0]!, children: sumSched(sched.slice(1)) },
  };
};
if (settings.throughput) {
  console.log(`warm-up: 2 s per target; then ${ROUNDS} rounds × ${all.length} targets × ${SECONDS} s`);
  console.log(`  ${cycleCoverage(ROUNDS, all.length, 'wrk rounds')}`);
  for (const t of all) await run(t, 2, false);
}
for (let round = 1; settings.throughput && round <= ROUNDS; round++) {
  // A Williams design (balanced-order.ts): over a cycle each target takes each place and follows
  // each other target equally often, so neither the machine's load drifting over a round nor what
  // the target before left behind weighs on one of them more than on another.
  for (const t of balancedOrder(all, round - 1)) {
    const r = await run(t, SECONDS, true);
    const busy = (t.cpu.at(-1)!.main / (SECONDS * 1000)) * 100;
    console.log(
      `  round ${round} ${t.name.padEnd(40)} ${r.rps.toFixed(0).padStart(7)} req/s  p99 ${r.p99.toFixed(2)} ms  cpu ${busy.toFixed(0)} %`,
    );
  }
}

// Fixed rate, open loop: 1,000 req/s whatever the answers do.
const bareTarget = target(
  'bare node:http, echo handler',
  `${bareNode.info.url}/api/v1/echo/open`,
  pidOf(bareNode),
);
const twinTarget = target(
  'bare node:http, its twin (A/A)',
  `${bareTwin.info.url}/api/v1/echo/open`,
  pidOf(bareTwin),
);
const chosen: Array<[PacedTargetKey, Target | undefined]> = [
  ['ref', targets.refOpen],
  ['health', targets.health],
  ['open', targets.open],
  ['auth', targets.auth],
  ['before-open', old?.open],
  ['before-auth', old?.auth],
];
// the baselines first (the reports below read them by place), then the chosen targets
const pacedTargets = [
  bareTarget,
  twinTarget,
  targets.honoEcho,
  ...chosen.filter(([k, t]) => t && settings.pacedTargets.has(k)).map(([, t]) => t!),
];
// with OMEGA_BENCH_RT_SPLIT=1 the isolated rows of plugin routes once more, the budget split as before
const splitTargets = settings.rtSplit
  ? pacedTargets
      .filter((t) => t.plugin)
      .map((t) => ({ ...t, name: `${t.name} [RT split]`, rtSplit: true, runs: [], cpu: [] }))
  : [];
const realtime = realtimePrefix().length > 0;
console.log(
  `fixed rate: ${PACED_RATE} req/s, open loop (raw keep-alive sockets, 32 connections, paced by a thread, generator ${realtime ? 'under SCHED_FIFO' : 'at normal priority (no chrt or not root: its own delays are in every figure)'}), 1 s warm-up + ${PACED_SECONDS} s per target, ${PACED_ROUNDS} interleaved rounds; loadavg ${loadavg()[0]!.toFixed(2)}`,
);
console.log(
  '  latency from due (wrk2) p50 / p99 / p99.9, from send p99; generator lateness (dispatch − due) p50 / p99 / max; CPU; VM steal; run-queue wait per request and preemptions per 1,000 requests of the server main thread (+ its children)',
);
const row = (label: string, r: Paced) => {
  const l = r.lateness;
  const kids = r.childrenCpu > 0 ? ` + children ${r.childrenCpu.toFixed(1)} %` : '';
  const g = r.gc;
  const gc = g
    ? `  | kernel GC ${g.scavenges} scavenges (max ${g.maxScavengeMs.toFixed(1)} ms), ${g.majors} major (max ${g.maxMajorMs.toFixed(1)} ms), ${g.totalMs.toFixed(0)} ms paused`
    : '';
  const left = r.normal ? `  | ${r.normal} of its processes at normal priority (in a cpu cgroup)` : '';
  // A bad response (not 2xx, a connection error, > 5 s) is counted in its row, not fatal: one in a run
  // must not cost the whole bench's figures; a row with any fails its p99 goal below.
  const bad = r.bad ? `  | ${r.bad} BAD of ${r.requests}` : '';
  // the counters span the warm-up's requests too
  const n = r.requests + PACED_RATE;
  const waits = (c: SchedCounters) =>
    `${((c.waitMs * 1000) / n).toFixed(0)} µs, ${((c.involuntary * 1000) / n).toFixed(0)}`;
  const sch = `  | wait, preempted ${waits(r.sched.main)}${r.childrenCpu > 0 ? ` + children ${waits(r.sched.children)}` : ''}`;
  console.log(
    `  ${label.padEnd(40)} ${r.rps.toFixed(0).padStart(5)} req/s  p50 ${r.p50.toFixed(2)} ms  p99 ${r.p99.toFixed(2)} ms  p99.9 ${r.p999.toFixed(2)} ms  | from send p99 ${r.fromSend.p99.toFixed(2)} ms  | lateness ${l.p50.toFixed(3)} / ${l.p99.toFixed(3)} / ${l.max.toFixed(2)} ms${r.queued ? `, ${r.queued} queued` : ''}  | cpu ${r.cpu.toFixed(1)} %${kids}, generator ${r.generatorCpu.toFixed(1)} %  | steal ${r.steal.toFixed(2)} %${sch}${gc}${left}${bad}  | loadavg ${loadavg()[0]!.toFixed(2)}`,
  );
};
/**
 * Every target once per round, in the balanced order of the wrk rounds (balanced-order.ts), so a
 * burst of other work on the machine lands on one row of a target, not on its figure, and no
 * target always follows the same one.
 */
const pacedRounds = async (isolate: boolean, suffix: string, list: Target[]) => {
  const rows = new Map<Target, Paced[]>(list.map((t) => [t, []]));
  console.log(`  ${cycleCoverage(PACED_ROUNDS, list.length, 'fixed-rate rounds')}`);
  for (let round = 1; round <= PACED_ROUNDS; round++) {
    for (const t of balancedOrder(list, round - 1)) {
      const r = await runPaced(t, isolate);
      rows.get(t)!.push(r);
      row(`${round} ${t.name}${suffix}`, r);
    }
  }
  return rows;
};
// Without the wrk part nothing has warmed the servers: a fresh plugin host compiles its hot
// functions on its main thread (spawn-host.ts: --no-concurrent-recompilation), turns of 2.5–6.9 ms
// in its first seconds (open-loop-host-flags.bench.ts), which the first round's row would charge to
// the route while the reference path's host compiles on a worker thread. Each target first runs
// PACED_WARM_SECONDS at the rate, unrecorded.
if (!settings.throughput) {
  console.log(`  warm-up: ${PACED_WARM_SECONDS} s per target at the rate, unrecorded`);
  for (const t of pacedTargets) {
    const r = await openLoop(t.url, {
      rate: PACED_RATE,
      seconds: PACED_WARM_SECONDS,
      ...(t.headers ? { headers: t.headers } : {}),
    });
    if (t.kernel) served.set(t.kernel, served.get(t.kernel)! + r.requests + PACED_RATE);
  }
}
const pacedRows = settings.normal ? await pacedRounds(false, '', pacedTargets) : new Map<Target, Paced[]>();
// The same targets with the servers under SCHED_FIFO too: on a shared machine this is the closest
// to a quiet one, and separates a server's own tail (GC, its code) from waiting for a CPU.
let isolatedRows = new Map<Target, Paced[]>();
if (realtime && settings.isolated) {
  console.log(
    "  isolated: the same, each server and its children under SCHED_FIFO for its run (no other process delays it; a plugin route's serving host has the hosts' RT budget)",
  );
  isolatedRows = await pacedRounds(true, ' (isolated)', [...pacedTargets, ...splitTargets]);
}
// Each target's figures are its median row's; the spread of its rows' p99 is printed beside them.
const medians = (rows: Map<Target, Paced[]>) =>
  new Map([...rows].map(([t, rs]) => [t, summariseRounds(rs)] as const));
const pacedSummary = medians(pacedRows);
const isolatedSummary = medians(isolatedRows);
const paced = new Map([...pacedSummary].map(([t, s]) => [t, s.median] as const));
const isolated = new Map([...isolatedSummary].map(([t, s]) => [t, s.median] as const));
console.log('  p99 per target: the median row, [lowest – highest] over the rounds');
for (const t of [...pacedTargets, ...splitTargets]) {
  const n = pacedSummary.get(t);
  const i = isolatedSummary.get(t);
  console.log(
    `  ${t.name.padEnd(40)} ${n ? formatRounds(n) : '-'}${i ? `  | isolated ${formatRounds(i)}` : ''}`,
  );
}
const logBytes = new Map(kernels.map((k) => [k, k.logBytes() - logAtStart.get(k)!]));

// Idle memory: let the hosts settle after the load (a host gives back its garbage heap after
// SETTLE_IDLE_MS without a call), then read them. Hosts start as `node --no-node-snapshot`: the
// bare baseline starts the same way, meanwhile, so it is as settled as they are. Part of the
// throughput part (a fixed-rate-only run skips it).
const idleMemory = async () => {
  const bare = spawn(process.execPath, ['--no-node-snapshot', '-e', 'setInterval(() => {}, 1e9)'], {
    stdio: 'ignore',
  });
  process.on('exit', () => bare.kill());
  await sleep(SETTLE_IDLE_MS + 2000);
  const hostsOf = async (k: OmegaUnderTest) => {
    const { items } = (await (
      await fetch(`${k.url}/api/v1/plugins`, { headers: bearer(ADMIN_TOKEN) })
    ).json()) as { items: Array<{ name: string; runtime?: { pid?: number } }> };
    const hostOf = new Map<number, string>();
    for (const p of items) if (p.runtime?.pid) hostOf.set(p.runtime.pid, p.name);
    // The kernel's other children (its local agent) are not plugin hosts.
    const isHost = (pid: number) => {
      try {
        return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('plugin-host');
      } catch {
        return false;
      }
    };
    return k
      .hostPids()
      .filter(isHost)
      .map((pid) => ({ name: hostOf.get(pid) ?? 'warm spare', pid }));
  };
  const hostPids = new Map(await Promise.all(kernels.map(async (k) => [k, await hostsOf(k)] as const)));
  // An idle host's RSS swings ±0.9 MB between V8's GCs: one reading would decide the ≤ 50 MB goal by
  // chance, so every host and the baseline are read together, 4 times a second for 3 s (sample-memory.ts).
  const sampled = await sampleMemory([bare.pid!, ...[...hostPids.values()].flat().map((h) => h.pid)]);
  const bareMem = sampled.get(bare.pid!)!;
  const hosts = new Map(
    [...hostPids].map(([k, hs]) => [k, hs.map((h) => ({ name: h.name, ...sampled.get(h.pid)! }))] as const),
  );
  bare.kill();
  await once(bare, 'exit');
  return { bareMem, hosts };
};
const memory = settings.throughput ? await idleMemory() : undefined;
rmSync(gcFile, { force: true });
exit.stopped();
await Promise.all([
  bareNode.stop(),
  bareTwin.stop(),
  hono.stop(),
  ref.stop(),
  ...kernels.map((k) => k.stop()),
]);

const rps = (t: Target) => median(t.runs.map((r) => r.rps));
const p99 = (t: Target) => median(t.runs.map((r) => r.p99));
/** CPU per request (µs) over all recorded runs: the server process, and with its children. */
const cpuPerRequest = (t: Target) => {
  const requests = t.runs.reduce((sum, r) => sum + r.requests, 0);
  const main = t.cpu.reduce((sum, c) => sum + c.main, 0);
  const children = t.cpu.reduce((sum, c) => sum + c.children, 0);
  return { main: (main * 1000) / requests, all: ((main + children) * 1000) / requests };
};

if (settings.throughput) {
  console.log(
    `\nwrk: 1 thread, ${CONNECTIONS} connections, ${SECONDS} s per target, medians of ${ROUNDS} interleaved rounds, 127.0.0.1`,
  );
  console.log('server CPU during load (about one core when the server, not wrk, is the limit):');
  for (const t of all) {
    const busy = median(t.cpu.map((c) => c.main)) / (SECONDS * 1000);
    const kids = median(t.cpu.map((c) => c.children)) / (SECONDS * 1000);
    const more = kids > 0 ? `, its children ${(kids * 100).toFixed(0)} %` : '';
    console.log(`  ${t.name.padEnd(40)} ${(busy * 100).toFixed(0).padStart(3)} % of a core${more}`);
  }
  const ratioGoal = (name: string, t: Target, base: Target, goal?: number) =>
    report({
      name,
      value: rps(t),
      unit: 'req/s',
      baseline: { name: base.name, value: rps(base) },
      ...(goal ? { goal: `ratio ≥ ${goal}`, met: rps(t) / rps(base) >= goal } : {}),
    });
  report({ name: targets.honoEcho.name, value: rps(targets.honoEcho), unit: 'req/s' });
  ratioGoal('reference plugin path, public', targets.refOpen, targets.honoEcho, 0.6);
  ratioGoal('reference plugin path + token cache', targets.refAuth, targets.refOpen, 0.95);
  ratioGoal('Omega GET /api/v1/health', targets.health, targets.honoHealth, 0.8);
  ratioGoal('Omega plugin route, public', targets.open, targets.honoEcho, 0.6);
  ratioGoal('Omega plugin route, public vs reference', targets.open, targets.refOpen, 0.9);
  ratioGoal('Omega plugin route, JWT', targets.auth, targets.open, 0.95);
  if (old) {
    ratioGoal('before: GET /api/v1/health', old.health, targets.honoHealth);
    ratioGoal('before: plugin route, public', old.open, targets.honoEcho);
    ratioGoal('before: plugin route, JWT', old.auth, old.open);
  }
  const honoCpu = cpuPerRequest(targets.honoEcho).main;
  const cpuTargets = [targets.refOpen, targets.refAuth, targets.health, targets.open, targets.auth];
  for (const t of [...cpuTargets, ...(aa ? Object.values(aa) : []), ...(old ? Object.values(old) : [])]) {
    const c = cpuPerRequest(t);
    const baseline = { name: 'hono in-process', value: honoCpu };
    report({ name: `${t.name}: CPU/request, server process`, value: c.main, unit: 'µs', baseline });
    report({ name: `${t.name}: CPU/request, with its children`, value: c.all, unit: 'µs', baseline });
  }
  /**
   * The throughput goals on CPU instead of req/s: requests served per CPU-second (1e6 / µs per
   * request), so the ratio reads like the req/s ratio but does not depend on what else the shared
   * machine runs. "with children" counts the plugin hosts too (the fair total for a plugin path).
   */
  const perCpuSecond = (name: string, t: Target, base: Target, goal: number) => {
    for (const part of ['main', 'all'] as const) {
      const value = 1e6 / cpuPerRequest(t)[part];
      const b = 1e6 / cpuPerRequest(base)[part];
      report({
        name: `${name}: requests per CPU-second${part === 'all' ? ', with children' : ''}`,
        value,
        unit: 'req',
        baseline: { name: base.name, value: b },
        goal: `ratio ≥ ${goal}`,
        met: value / b >= goal,
      });
    }
  };
  perCpuSecond('Omega GET /api/v1/health', targets.health, targets.honoHealth, 0.8);
  perCpuSecond('Omega plugin route, public vs reference', targets.open, targets.refOpen, 0.9);
  perCpuSecond('Omega plugin route, JWT vs public', targets.auth, targets.open, 0.95);
  perCpuSecond('reference plugin path + token cache', targets.refAuth, targets.refOpen, 0.95);
  if (old) perCpuSecond('before: plugin route, JWT vs public', old.auth, old.open, 0.95);
  // Each other kernel against this one, target by target: the twin's ratio is the spread two
  // instances of the same build show in this run; a before/after difference inside it is noise.
  for (const key of ['health', 'open', 'auth'] as const) {
    const mine = targets[key];
    const line = (label: string, t: Target) => {
      const cpu = cpuPerRequest(t).main / cpuPerRequest(mine).main;
      return `${label} ${(rps(t) / rps(mine)).toFixed(3)} req/s, ${cpu.toFixed(3)} CPU/request`;
    };
    const parts = [...(aa ? [line('A/A twin', aa[key])] : []), ...(old ? [line('before', old[key])] : [])];
    if (parts.length > 0) console.log(`  vs this kernel, ${mine.name}: ${parts.join('  |  ')}`);
  }
  for (const t of [targets.health, targets.open, targets.auth]) {
    const baseline = { name: 'hono p99', value: p99(targets.honoEcho) };
    report({ name: `${t.name} p99 (saturated)`, value: p99(t), unit: 'ms', baseline });
  }
}
if (settings.normal) {
  const honoPaced = paced.get(targets.honoEcho)!;
  const barePaced = paced.get(bareTarget)!;
  const worstLate = Math.max(...[...pacedRows.values()].flat().map((r) => r.lateness.p99));
  if (worstLate > 0.25) {
    // The generator runs in its own process: when even it was late, the machine (not the servers) set the tails.
    console.log(
      `note: the generator's own lateness p99 reached ${worstLate.toFixed(2)} ms (loadavg ${loadavg()[0]!.toFixed(2)}): the machine was busy, and the p99 figures below carry its scheduling delays; compare from-send p99, or re-run on a quiet machine.`,
    );
  }
  // The floor: what the generator adds (its lateness) and what a bare node:http server takes.
  report({
    name: `open-loop generator lateness p99 at ${PACED_RATE} req/s`,
    value: barePaced.lateness.p99,
    unit: 'ms',
    baseline: { name: 'bare node:http p99 from due', value: barePaced.p99 },
  });
  report({
    name: `bare node:http p99 at ${PACED_RATE} req/s (open loop)`,
    value: barePaced.p99,
    unit: 'ms',
    baseline: { name: 'generator lateness p99', value: barePaced.lateness.p99 },
    goal: 'well under 1 ms (the generator is not the floor)',
    met: barePaced.p99 < 0.5,
  });
  report({
    name: `bare node:http twin p99 at ${PACED_RATE} req/s (A/A: the run's noise)`,
    value: paced.get(twinTarget)!.p99,
    unit: 'ms',
    baseline: { name: 'bare node:http p99', value: barePaced.p99 },
  });
  report({
    name: `hono p99 at ${PACED_RATE} req/s (open loop)`,
    value: honoPaced.p99,
    unit: 'ms',
    baseline: { name: 'bare node:http p99', value: barePaced.p99 },
  });
  for (const t of pacedTargets.slice(3)) {
    const r = paced.get(t)!;
    const omega = t.kernel !== undefined;
    report({
      name: `${t.name} p99 at ${PACED_RATE} req/s (open loop)`,
      value: r.p99,
      unit: 'ms',
      baseline: { name: `hono p99 at ${PACED_RATE} req/s`, value: honoPaced.p99 },
      ...(omega
        ? {
            goal: '≤ 1 ms on a quiet machine (median row), no bad response in any row',
            met: r.p99 <= 1 && pacedRows.get(t)!.every((x) => x.bad === 0),
          }
        : {}),
    });
    report({
      name: `${t.name} p99 from send at ${PACED_RATE} req/s`,
      value: r.fromSend.p99,
      unit: 'ms',
      baseline: { name: 'bare node:http p99 from send', value: barePaced.fromSend.p99 },
    });
    report({
      name: `${t.name} CPU at ${PACED_RATE} req/s`,
      value: r.cpu,
      unit: '% of a core',
      baseline: { name: 'hono', value: honoPaced.cpu },
    });
    if (r.childrenCpu > 0) {
      report({
        name: `${t.name} CPU at ${PACED_RATE} req/s, with children`,
        value: r.cpu + r.childrenCpu,
        unit: '% of a core',
        baseline: { name: 'hono', value: honoPaced.cpu },
      });
    }
  }
}
// Isolated (servers under SCHED_FIFO): the tail that is the server's own, beside the bare server's.
const bareIsolated = isolated.get(bareTarget);
if (bareIsolated) {
  report({
    name: `bare node:http p99 at ${PACED_RATE} req/s, isolated (SCHED_FIFO): the machine's floor`,
    value: bareIsolated.p99,
    unit: 'ms',
    ...(paced.has(bareTarget)
      ? { baseline: { name: 'the same server at normal priority', value: paced.get(bareTarget)!.p99 } }
      : {}),
    goal: 'well under 1 ms (the generator is not the floor)',
    met: bareIsolated.p99 < 0.5,
  });
}
for (const t of bareIsolated ? pacedTargets.slice(1) : []) {
  const r = isolated.get(t)!;
  report({
    name: `${t.name} p99 at ${PACED_RATE} req/s, isolated (SCHED_FIFO)`,
    value: r.p99,
    unit: 'ms',
    baseline: { name: 'bare node:http isolated p99', value: bareIsolated!.p99 },
    ...(t.kernel ? { goal: '≤ 1 ms', met: r.p99 <= 1 } : {}),
  });
}
// OMEGA_BENCH_RT_SPLIT=1: each plugin route's isolated row with the RT budget split among all hosts (as
// it was) beside its row with the budget on the serving host (as it is), from the same rounds.
for (const t of bareIsolated ? splitTargets : []) {
  const serving = pacedTargets.find((x) => x.url === t.url && x.headers === t.headers)!;
  report({
    name: `${t.name} p99 at ${PACED_RATE} req/s, isolated`,
    value: isolated.get(t)!.p99,
    unit: 'ms',
    baseline: { name: 'RT budget on the serving host', value: isolated.get(serving)!.p99 },
  });
}
const perRequest = (k: OmegaUnderTest) => logBytes.get(k)! / served.get(k)!;
const logBaseline = before ? { name: 'before', value: perRequest(before) } : undefined;
report({
  name: 'Omega log bytes per request (default level)',
  value: perRequest(omega),
  unit: 'B',
  ...(logBaseline ? { baseline: logBaseline } : {}),
});
report({
  name: 'Omega log volume at 1,000 req/s for a day',
  value: (perRequest(omega) * 1000 * 86_400) / 1e6,
  unit: 'MB',
  ...(logBaseline ? { baseline: { name: 'before', value: (logBaseline.value * 1000 * 86_400) / 1e6 } } : {}),
});
for (const k of memory ? kernels : []) {
  const { bareMem, hosts } = memory!;
  const label = k === before ? 'before: ' : k === twin ? 'A/A twin: ' : '';
  for (const h of hosts.get(k)!) {
    report({
      name: `${label}idle plugin host RSS, after load, median (${h.name})`,
      value: h.rss.median,
      unit: unitWithRange('MB', h.rss),
      baseline: {
        name: 'bare node --no-node-snapshot -e',
        value: bareMem.rss.median,
        unit: unitWithRange('MB', bareMem.rss),
      },
      goal: '≤ 50 MB (median)',
      met: h.rss.median <= 50,
    });
    report({
      name: `${label}idle plugin host private memory, after load, median (${h.name})`,
      value: h.own.median,
      unit: unitWithRange('MB', h.own),
      baseline: {
        name: 'bare node --no-node-snapshot -e',
        value: bareMem.own.median,
        unit: unitWithRange('MB', bareMem.own),
      },
    });
  }
}
