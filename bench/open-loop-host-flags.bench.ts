import { loadavg } from 'node:os';
import { join } from 'node:path';
import { balancedOrder, cycleCoverage } from './balanced-order.js';
import { openLoop } from './http-open-loop.js';
import { setRealtime } from './open-loop-realtime.js';
import { formatRounds, summariseRounds } from './open-loop-rounds.js';
import { perRequest, readSchedCounters, schedDelta } from './open-loop-waits.js';
import { childPids, type OmegaUnderTest, startOmega } from './servers/start-omega.js';
import { type BenchServer, spawnServer } from './spawn-server.js';
import { stopOnExit } from './stop-on-exit.js';

/**
 * Which of the plugin host's node flags the plugin route's slow 1 % waits for (issue #13): the
 * reference plugin path (servers/reference-plugin.ts: hono → a host child over a socketpair →
 * an isolate, the same hops as Omega's plugin route) with its host child given none, each, and
 * all of Omega's host flags (kernel/sandbox/spawn-host.ts: V8 flags are per process, so they size
 * the isolate's heap too), beside Omega's own `GET /api/v1/echo/open`, at a fixed 1,000 req/s
 * (http-open-loop.ts), in interleaved rounds (a balanced order, balanced-order.ts). Rows are
 * isolated where chrt is allowed: the server and its host child under SCHED_FIFO for the row
 * (Omega's echo host with the plugin hosts' RT budget, open-loop-realtime.ts), so what is left is
 * their own tail. Per row: latency from due p50 / p99 / p99.9, and the server's and its host's
 * run per request (µs, /proc/<pid>/schedstat) and run-queue wait.
 * Every variant is first warmed for 5 s at the rate, unrecorded.
 * Run: `npm run bench -- open-loop-host-flags` (OMEGA_BENCH_PACED_SECONDS, default 10;
 * OMEGA_BENCH_ROUNDS, default 5; OMEGA_BENCH_PACED_MODES=normal for normal priority;
 * OMEGA_BENCH_HOST_FLAGS adds a variant with those flags, space-separated;
 * OMEGA_BENCH_BEFORE=<checkout> adds that build's Omega row; OMEGA_BENCH_REFS=0 drops the ref rows).
 */
const SECONDS = Number(process.env.OMEGA_BENCH_PACED_SECONDS ?? 10);
const ROUNDS = Number(process.env.OMEGA_BENCH_ROUNDS ?? 5);
const RATE = 1000;
const ISOLATED = process.env.OMEGA_BENCH_PACED_MODES !== 'normal';
/** Another checkout with a built dist/ (e.g. /work/before-s11): its Omega row beside this tree's. */
const BEFORE = process.env.OMEGA_BENCH_BEFORE;
/** OMEGA_BENCH_REFS=0 leaves the reference-path variants out (Omega's rows alone). */
const REFS = process.env.OMEGA_BENCH_REFS !== '0';
const WARM_SECONDS = 5;
/** Omega's plugin-host node flags as kernel/sandbox/spawn-host.ts gives them. */
const OMEGA_HOST_FLAGS = [
  '--max-semi-space-size=1',
  '--no-concurrent-recompilation',
  '--no-short-builtin-calls',
];

const servers: BenchServer[] = [];
const kernels: OmegaUnderTest[] = [];
const exit = stopOnExit({ pids: () => [...servers.map(pidOf), ...kernels.map((k) => k.pid)] });

const pidOf = (s: BenchServer) => (s.info as { pid?: number }).pid ?? -1;

interface Variant {
  name: string;
  url: string;
  pid: number;
  /** The process serving the route's isolate (the reference host child, Omega's echo host). */
  host: () => Promise<number | undefined>;
  kernel?: boolean;
}
const ref = async (name: string, flags: string[]): Promise<Variant> => {
  const s = await spawnServer(join(import.meta.dirname, 'servers', 'reference-plugin.ts'), {
    OMEGA_BENCH_REF_HOST_FLAGS: flags.join(' '),
  });
  servers.push(s);
  const pid = pidOf(s);
  return { name, url: `${s.info.url}/api/v1/echo/open`, pid, host: async () => childPids(pid)[0] };
};
const extra = (process.env.OMEGA_BENCH_HOST_FLAGS ?? '').split(' ').filter(Boolean);
const variants: Variant[] = REFS
  ? [
      await ref('ref, host without flags', []),
      await ref('ref, host --max-semi-space-size=1', ['--max-semi-space-size=1']),
      await ref('ref, host --no-concurrent-recompilation', ['--no-concurrent-recompilation']),
      await ref("ref, host with Omega's flags", OMEGA_HOST_FLAGS),
      ...(extra.length ? [await ref(`ref, host ${extra.join(' ')}`, extra)] : []),
    ]
  : [];
const kernel = async (name: string, root?: string): Promise<Variant> => {
  const k = await startOmega(root ? { root } : {});
  kernels.push(k);
  return {
    name,
    url: `${k.url}/api/v1/echo/open`,
    pid: k.pid,
    host: () => k.pluginPid('echo'),
    kernel: true,
  };
};
variants.push(await kernel('Omega plugin route, public'));
if (BEFORE) variants.push(await kernel('before: Omega plugin route, public', BEFORE));
// Every variant warmed at the rate first (unrecorded): a fresh host compiles its hot functions
// on its main thread (--no-concurrent-recompilation), turns of several ms in its first seconds.
for (const v of variants) await openLoop(v.url, { rate: RATE, seconds: WARM_SECONDS });

const rows = new Map<string, Array<{ p99: number; p50: number; p999: number }>>();
console.log(
  `${RATE} req/s, ${SECONDS} s per row after 1 s warm-up, ${ROUNDS} rounds, ${ISOLATED ? 'isolated (SCHED_FIFO)' : 'normal priority'}; ${cycleCoverage(ROUNDS, variants.length)}; loadavg ${loadavg()
    .map((x) => x.toFixed(2))
    .join(' ')}`,
);
for (let round = 1; round <= ROUNDS; round++) {
  for (const v of balancedOrder(variants, round - 1)) {
    const host = await v.host();
    if (host === undefined) throw new Error(`${v.name}: no host process`);
    const pids = [v.pid, ...childPids(v.pid)];
    const normal = ISOLATED ? setRealtime(pids, true, v.kernel ? [host] : []) : [];
    if (normal.includes(v.pid) || normal.includes(host)) {
      setRealtime(pids, false);
      throw new Error(`${v.name}: cannot put it under SCHED_FIFO`);
    }
    const s0 = readSchedCounters(v.pid);
    const h0 = readSchedCounters(host);
    const r = await openLoop(v.url, { rate: RATE, seconds: SECONDS }).finally(
      () => ISOLATED && setRealtime([v.pid, ...childPids(v.pid)], false),
    );
    const s = schedDelta(s0, readSchedCounters(v.pid));
    const h = schedDelta(h0, readSchedCounters(host));
    const n = r.requests + RATE;
    rows.set(v.name, [...(rows.get(v.name) ?? []), { p99: r.p99, p50: r.p50, p999: r.p999 }]);
    console.log(
      `  round ${round} ${v.name.padEnd(42)} p50 ${r.p50.toFixed(2)} p99 ${r.p99.toFixed(2)} p99.9 ${r.p999.toFixed(2)} ms${r.bad ? ` ${r.bad} BAD` : ''} | lateness p99 ${r.lateness.p99.toFixed(3)} | steal ${r.steal.toFixed(2)} % | load ${loadavg()[0]!.toFixed(2)}`,
    );
    console.log(`      server: ${perRequest(s, n)}`);
    console.log(`      host:   ${perRequest(h, n)}`);
  }
}
exit.stopped();
for (const s of servers) await s.stop();
for (const k of kernels) await k.stop();
console.log(
  `\np99 per variant, median of the rounds [min – max]; loadavg ${loadavg()
    .map((x) => x.toFixed(2))
    .join(' ')}`,
);
for (const [name, rs] of rows) {
  const p50 = [...rs].sort((a, b) => a.p50 - b.p50)[Math.floor(rs.length / 2)]!.p50;
  console.log(
    `  ${name.padEnd(42)} p99 ${formatRounds(summariseRounds(rs))}  (p50 median ${p50.toFixed(2)} ms)`,
  );
}
