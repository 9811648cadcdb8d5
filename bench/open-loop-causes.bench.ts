import { rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { balancedOrder, unbalancedRounds } from './balanced-order.js';
import { openLoop } from './http-open-loop.js';
import { type GcSpan, gcMark, gcSpansSince } from './open-loop-gc-pauses.js';
import { realtimePrefix, setRealtime } from './open-loop-realtime.js';
import { readSchedCounters, schedDelta } from './open-loop-waits.js';
import { median } from './report.js';
import { ADMIN_TOKEN, childPids, type OmegaUnderTest, startOmega } from './servers/start-omega.js';
import { stopOnExit } from './stop-on-exit.js';

/**
 * What the plugin route's slow 1 % at 1,000 req/s wait for (issue #13), one candidate per kernel,
 * all kernels running together and measured in interleaved rounds (a balanced order,
 * balanced-order.ts), `GET /api/v1/echo/open` on each:
 *
 * - as shipped, and its twin (an A/A pair: their difference is the run's noise);
 * - the metrics plugin disabled (its collection, ~2.2 ms of kernel CPU each second, gone);
 * - the kernel's young generation: as shipped `npm start` gives it `--min-semi-space-size=4`
 *   (MB); beside it V8's default sizing (`=0`, as before) and `=16` (MB:
 *   V8 starts a semi-space at 1 MB and grows it only when many objects survive, which a
 *   request's garbage does not, so `--max-semi-space-size` alone changes nothing): about a
 *   sixteenth of the scavenges, each about as long (a scavenge's cost is what survives it).
 *
 * Per row: latency from due p99 / p99.9, the kernel's scavenges and their longest, the kernel
 * main thread's run-queue wait per request, and how many of the row's slowest 1 % overlapped one
 * of the kernel's GC pauses beside how many of as many requests spread evenly over the row did
 * (the chance rate), and into how many stalls the slow ones fall (overlapping spans: one stop of
 * the kernel delays all requests due during it) and how many of those had a GC pause: GC pauses logged by open-loop-gc.mjs with their start on CLOCK_MONOTONIC,
 * the generator's clock too (OpenLoopOptions.slowFrom).
 * Rows are isolated where chrt is allowed (the kernel and its children under SCHED_FIFO for the row,
 * the echo host with the plugin hosts' RT budget, open-loop-realtime.ts): on a shared machine what
 * is left is the kernel's own tail (its GC, its timers, its code); OMEGA_BENCH_PACED_MODES=normal
 * keeps them at normal priority.
 * Run: `npm run bench -- open-loop-causes` (OMEGA_BENCH_PACED_SECONDS, default 10;
 * OMEGA_BENCH_ROUNDS, default 10: one balanced cycle of the 5 kernels; ~10 min).
 */
const SECONDS = Number(process.env.OMEGA_BENCH_PACED_SECONDS ?? 10);
const ROUNDS = Number(process.env.OMEGA_BENCH_ROUNDS ?? 10);
const RATE = 1000;
const ISOLATED = realtimePrefix().length > 0 && process.env.OMEGA_BENCH_PACED_MODES !== 'normal';

const gcFile = join(tmpdir(), `omega-bench-causes-gc-${process.pid}.log`);
const gcArgs = ['--import', pathToFileURL(join(import.meta.dirname, 'open-loop-gc.mjs')).href];
const env = { OMEGA_BENCH_GC_FILE: gcFile };
interface Variant {
  name: string;
  kernel: OmegaUnderTest;
}
const kernels: OmegaUnderTest[] = [];
const exit = stopOnExit({ pids: () => kernels.map((k) => k.pid) });

const start = async (nodeArgs: string[] = []) => {
  const k = await startOmega({ nodeArgs: [...gcArgs, ...nodeArgs], env });
  kernels.push(k);
  return k;
};
const noMetrics = await start();
const res = await fetch(`${noMetrics.url}/api/v1/plugins/metrics/disable`, {
  method: 'POST',
  headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
});
if (res.status !== 200) throw new Error(`bench: disabling the metrics plugin answered ${res.status}`);
const variants: Variant[] = [
  { name: 'as shipped', kernel: await start() },
  { name: 'as shipped, twin (A/A)', kernel: await start() },
  { name: 'metrics plugin disabled', kernel: noMetrics },
  // before npm start's --min-semi-space-size=4 (start-script-flags.ts): V8's own sizing, from 1 MB
  { name: "V8's default young gen.", kernel: await start(['--min-semi-space-size=0']) },
  { name: 'kernel semi-space ≥ 16 MB', kernel: await start(['--min-semi-space-size=16']) },
];
// JIT, connections and the hosts' first calls warm on every kernel before the first measured row
for (const v of variants) await openLoop(`${v.kernel.url}/api/v1/echo/open`, { rate: RATE, seconds: 2 });

/**
 * The slow requests grouped into stalls: requests whose [due, answered] spans overlap share one
 * (one stop of the kernel delays every request due during it). Returns each stall's span.
 */
const stallsOf = (spans: Array<[number, number]>): Array<[number, number]> => {
  const out: Array<[number, number]> = [];
  for (const [a, b] of [...spans].sort((x, y) => x[0] - y[0])) {
    const last = out.at(-1);
    if (last && a <= last[1]) last[1] = Math.max(last[1], b);
    else out.push([a, b]);
  }
  return out;
};
/** How many of `spans` ([due, answered]) overlap one of `pauses`. */
const overlapping = (spans: Array<[number, number]>, pauses: GcSpan[]) =>
  spans.filter(([a, b]) => pauses.some((p) => p.start < b && p.start + p.ms > a)).length;

interface Row {
  p99: number;
  p999: number;
  scavenges: number;
  maxScavenge: number;
  /** The kernel's GC pauses added up, µs per request. */
  gcPerReq: number;
  waitPerReq: number;
  slowInGc: number;
  evenInGc: number;
  slow: number;
  stalls: number;
  stallsInGc: number;
}
const rows = new Map<Variant, Row[]>(variants.map((v) => [v, []]));
console.log(
  `${RATE} req/s open loop on /api/v1/echo/open, ${SECONDS} s per row after 1 s warm-up, ${ROUNDS} rounds in a balanced order, ${ISOLATED ? 'isolated (kernel and echo host under SCHED_FIFO)' : 'at normal priority'}; loadavg ${loadavg()
    .map((x) => x.toFixed(2))
    .join(' ')}`,
);
const unbalanced = unbalancedRounds(ROUNDS, variants.length);
if (unbalanced) console.log(`  ${unbalanced}`);
for (let round = 0; round < ROUNDS; round++) {
  for (const v of balancedOrder(variants, round)) {
    const k = v.kernel;
    const mark = gcMark(gcFile);
    const s0 = readSchedCounters(k.pid);
    const pids = [k.pid, ...childPids(k.pid)];
    const echo = ISOLATED ? await k.pluginPid('echo') : undefined;
    if (ISOLATED) setRealtime(pids, true, echo ? [echo] : []);
    const r = await openLoop(`${k.url}/api/v1/echo/open`, {
      rate: RATE,
      seconds: SECONDS,
      slowFrom: 99,
    }).finally(() => ISOLATED && setRealtime([k.pid, ...childPids(k.pid)], false));
    const sched = schedDelta(s0, readSchedCounters(k.pid));
    const pauses = gcSpansSince(gcFile, mark, k.pid);
    const scav = pauses.filter((p) => p.kind === 'scavenge');
    const { slow, even } = r.spans!;
    const row: Row = {
      p99: r.p99,
      p999: r.p999,
      scavenges: scav.length,
      maxScavenge: Math.max(0, ...scav.map((p) => p.ms)),
      gcPerReq: (pauses.reduce((sum, p) => sum + p.ms, 0) * 1000) / (r.requests + RATE),
      waitPerReq: (sched.waitMs * 1000) / (r.requests + RATE),
      slowInGc: overlapping(slow, pauses),
      evenInGc: overlapping(even, pauses),
      slow: slow.length,
      stalls: stallsOf(slow).length,
      stallsInGc: overlapping(stallsOf(slow), pauses),
    };
    rows.get(v)!.push(row);
    console.log(
      `  ${round + 1} ${v.name.padEnd(26)} p99 ${r.p99.toFixed(2)} p99.9 ${r.p999.toFixed(2)} ms${r.bad ? ` ${r.bad} BAD` : ''}  | kernel GC ${row.scavenges} scavenges (max ${row.maxScavenge.toFixed(2)} ms), ${pauses.length - scav.length} other, ${row.gcPerReq.toFixed(1)} µs/req paused  | slowest 1 % in a kernel GC pause ${row.slowInGc}/${row.slow}, evenly spread ${row.evenInGc}/${row.slow}; in ${row.stalls} stalls, ${row.stallsInGc} with a GC pause  | kernel wait ${row.waitPerReq.toFixed(0)} µs/req  | lateness p99 ${r.lateness.p99.toFixed(3)}  | steal ${r.steal.toFixed(2)} %  | loadavg ${loadavg()[0]!.toFixed(2)}`,
    );
  }
}
exit.stopped();
await Promise.all(kernels.map((k) => k.stop()));
rmSync(gcFile, { force: true });

const base = median(rows.get(variants[0]!)!.map((x) => x.p99));
console.log(
  '\nper variant, medians over the rounds: p99 [min – max] (ratio to as shipped), p99.9, scavenges per row, slowest 1 % in a GC pause vs evenly spread, kernel wait per request',
);
for (const [v, rs] of rows) {
  const p = rs.map((x) => x.p99);
  const sum = (f: (x: Row) => number) => rs.reduce((s, x) => s + f(x), 0);
  console.log(
    `  ${v.name.padEnd(26)} p99 ${median(p).toFixed(2)} ms [${Math.min(...p).toFixed(2)} – ${Math.max(...p).toFixed(2)}] (${(median(p) / base).toFixed(2)})  p99.9 ${median(rs.map((x) => x.p999)).toFixed(2)}  | ${median(rs.map((x) => x.scavenges))} scavenges, GC ${median(rs.map((x) => x.gcPerReq)).toFixed(1)} µs/req  | in GC: slow ${sum((x) => x.slowInGc)}/${sum((x) => x.slow)}, even ${sum((x) => x.evenInGc)}/${sum((x) => x.slow)}, stalls ${sum((x) => x.stallsInGc)}/${sum((x) => x.stalls)}  | wait ${median(rs.map((x) => x.waitPerReq)).toFixed(0)} µs/req`,
  );
}
