import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { loadavg, setPriority } from 'node:os';
import { dirname, join } from 'node:path';
import { openLoop } from './http-open-loop.js';
import { cpuMs } from './http-proc.js';
import { perRequest, readSchedCounters, schedDelta } from './open-loop-waits.js';
import { median } from './report.js';
import { ADMIN_TOKEN, startOmega } from './servers/start-omega.js';
import { stopOnExit } from './stop-on-exit.js';

/**
 * What the plugin route's slow 1 % wait on at normal priority (issue #13): Omega as `npm start`
 * runs it (core plugins + the bench's echo plugin), `GET /api/v1/echo/open` at a fixed 1,000
 * req/s (http-open-loop.ts, the generator under SCHED_FIFO where allowed), in interleaved rounds
 * of these variants of the other plugin hosts (never the kernel's or the echo host's code):
 *
 * - as shipped: every core plugin's host running;
 * - metrics SCHED_IDLE: the metrics host (woken every second) runs only on a CPU nobody else
 *   wants for the row (SIGSTOP instead gets it killed: its timer call misses its deadline);
 * - others SCHED_IDLE: the same for every host but the echo plugin's (the others' whole share);
 * - others SCHED_BATCH: the other hosts under SCHED_BATCH for the row (a batch task does not
 *   preempt a running one when it wakes), a candidate cut;
 * - sandbox weight of 1: the hosts' shared cpu cgroup at 1024 shares (one process's weight, the
 *   kernel's) instead of 1024 per host, for the row.
 *
 * Per row: latency from due p50 / p99 / p99.9, the generator's lateness, VM steal, and for the
 * kernel's and the echo host's main threads what /proc/<pid>/schedstat and status say per request
 * (µs run, µs waited runnable for a CPU, mean wait per wake-up, preemptions per 1,000 requests),
 * and the other hosts' CPU. Then each variant's median p99 and its spread over the rounds.
 * Run: `npm run bench -- open-loop-hosts` (OMEGA_BENCH_PACED_SECONDS, default 10;
 * OMEGA_BENCH_ROUNDS, default 3).
 */
const SECONDS = Number(process.env.OMEGA_BENCH_PACED_SECONDS ?? 10);
const ROUNDS = Number(process.env.OMEGA_BENCH_ROUNDS ?? 3);
const RATE = 1000;

const omega = await startOmega();
/** The variant whose row is running: an exit mid-row puts its hosts' policy and shares back. */
let running: Variant | undefined;
// However the bench ends: the row's variant undone, nothing left under SCHED_FIFO or with an RT
// budget, then the kernel stopped.
const exit = stopOnExit({
  before: () => {
    try {
      running?.off();
    } catch (err) {
      throw new Error(`${running?.name}: ${(err as Error).message}`);
    }
  },
  pids: () => [omega.pid],
});

const { items } = (await (
  await fetch(`${omega.url}/api/v1/plugins`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } })
).json()) as { items: Array<{ name: string; runtime?: { pid?: number } }> };
const hostOf = new Map<string, number>();
for (const p of items) if (p.runtime?.pid) hostOf.set(p.name, p.runtime.pid);
const echo = hostOf.get('echo');
if (!echo) throw new Error('bench: no echo host');
const isHost = (pid: number) => {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('plugin-host');
  } catch {
    return false;
  }
};
const others = omega.hostPids().filter((pid) => pid !== echo && isHost(pid));
const metrics = hostOf.get('metrics');
const nameOf = new Map([...hostOf].map(([n, pid]) => [pid, n]));
console.log(
  `kernel ${omega.pid}, echo host ${echo}, other hosts: ${others.map((p) => `${nameOf.get(p) ?? 'spare'} ${p}`).join(', ')}`,
);

/** Sets the scheduling policy of every thread of `pids` (chrt: -o normal, -b batch, -i idle). */
const policy = (pids: number[], flag: '-o' | '-b' | '-i') => {
  for (const pid of pids) spawnSync('chrt', [flag, '-a', '-p', '0', String(pid)], { stdio: 'ignore' });
};
/** Sets the nice value of every thread of `pids` (what an unprivileged kernel could do to its hosts). */
const nice = (pids: number[], value: number) => {
  for (const pid of pids)
    for (const tid of readdirSync(`/proc/${pid}/task`)) {
      try {
        setPriority(Number(tid), value);
      } catch {
        // a thread that ended
      }
    }
};
/** A process's CPU so far, ms (0 once it is gone: a host the kernel restarted). */
const cpuOf = (pid: number) => {
  try {
    return cpuMs(pid);
  } catch {
    return 0;
  }
};
/**
 * The cgroup v1 cpu directory all plugin hosts share (prepare-host-cgroups.ts gives it the weight
 * of as many processes as it holds hosts: 1024 shares each) and its shares now.
 */
const sandbox = (() => {
  const line = readFileSync(`/proc/${echo}/cgroup`, 'utf8')
    .split('\n')
    .find((l) => l.split(':')[1]?.split(',').includes('cpu'));
  const path = line?.split(':')[2];
  if (!path || path === '/') return undefined;
  const dir = join('/sys/fs/cgroup/cpu', dirname(path));
  try {
    return { dir, shares: Number(readFileSync(join(dir, 'cpu.shares'), 'utf8')) };
  } catch {
    return undefined;
  }
})();
const setShares = (dir: string, shares: number) => writeFileSync(join(dir, 'cpu.shares'), String(shares));
console.log(
  sandbox ? `plugin hosts' cpu cgroup ${sandbox.dir}: ${sandbox.shares} shares` : 'no plugin-host cpu cgroup',
);
interface Variant {
  name: string;
  on(): void;
  off(): void;
}
const variants: Variant[] = [
  { name: 'as shipped', on: () => {}, off: () => {} },
  {
    name: 'metrics host SCHED_IDLE',
    on: () => metrics && policy([metrics], '-i'),
    off: () => metrics && policy([metrics], '-o'),
  },
  { name: 'other hosts SCHED_IDLE', on: () => policy(others, '-i'), off: () => policy(others, '-o') },
  { name: 'other hosts SCHED_BATCH', on: () => policy(others, '-b'), off: () => policy(others, '-o') },
  // The serving host too: a batch task that wakes does not preempt the kernel that woke it
  // mid-turn (the kernel's main thread is preempted ~0.7 times per plugin-route request).
  { name: 'echo host SCHED_BATCH', on: () => policy([echo], '-b'), off: () => policy([echo], '-o') },
  {
    name: 'all hosts SCHED_BATCH',
    on: () => policy([echo, ...others], '-b'),
    off: () => policy([echo, ...others], '-o'),
  },
  {
    name: 'all hosts nice 5',
    on: () => nice([echo, ...others], 5),
    off: () => nice([echo, ...others], 0),
  },
  {
    name: 'sandbox weight of 1',
    on: () => sandbox && setShares(sandbox.dir, 1024),
    off: () => sandbox && setShares(sandbox.dir, sandbox.shares),
  },
];

const url = `${omega.url}/api/v1/echo/open`;
/** Per variant, per round: p99 (ms), the echo host's mean run-queue wait per wake-up and the kernel's per request (µs). */
const rows = new Map<string, Array<{ p99: number; echoPerWake: number; kernelPerReq: number }>>();
console.log(
  `${RATE} req/s, ${SECONDS} s per row after 1 s warm-up, ${ROUNDS} interleaved rounds; loadavg ${loadavg()
    .map((x) => x.toFixed(2))
    .join(' ')}`,
);
/** OMEGA_BENCH_VARIANTS: a comma-separated list of variant names to run (default all). */
const pick = process.env.OMEGA_BENCH_VARIANTS?.split(',').map((x) => x.trim());
const chosen = pick ? variants.filter((v) => pick.includes(v.name)) : variants;
if (chosen.length === 0)
  throw new Error(`OMEGA_BENCH_VARIANTS: none of ${variants.map((v) => v.name).join(', ')}`);
for (let round = 1; round <= ROUNDS; round++) {
  for (const v of round % 2 === 1 ? chosen : [...chosen].reverse()) {
    running = v;
    v.on();
    const k0 = readSchedCounters(omega.pid);
    const e0 = readSchedCounters(echo);
    const o0 = others.map(cpuOf);
    const r = await openLoop(url, { rate: RATE, seconds: SECONDS }).finally(() => {
      running = undefined;
      v.off();
    });
    const k = schedDelta(k0, readSchedCounters(omega.pid));
    const e = schedDelta(e0, readSchedCounters(echo));
    const otherCpu = others.map(cpuOf).reduce((s, x, i) => s + x - o0[i]!, 0);
    // the counters span the 1 s warm-up too
    const n = r.requests + RATE;
    rows.set(v.name, [
      ...(rows.get(v.name) ?? []),
      {
        p99: r.p99,
        echoPerWake: e.slices > 0 ? (e.waitMs * 1000) / e.slices : 0,
        kernelPerReq: (k.waitMs * 1000) / n,
      },
    ]);
    console.log(
      `  round ${round} ${v.name.padEnd(24)} p50 ${r.p50.toFixed(2)} p99 ${r.p99.toFixed(2)} p99.9 ${r.p999.toFixed(2)} ms${r.bad ? ` ${r.bad} BAD` : ''}  | lateness p99 ${r.lateness.p99.toFixed(3)} ms  | steal ${r.steal.toFixed(2)} %  | loadavg ${loadavg()[0]!.toFixed(2)}`,
    );
    console.log(`      kernel: ${perRequest(k, n)}`);
    console.log(`      echo host: ${perRequest(e, n)}`);
    console.log(`      other hosts: ${((otherCpu * 1000) / n).toFixed(1)} µs CPU/req`);
  }
}
exit.stopped();
await omega.stop();
console.log(
  '\nper variant over the rounds: p99 median [min – max]; medians of the echo host’s wait per wake-up and the kernel’s wait per request',
);
for (const [name, rs] of rows) {
  const p = rs.map((x) => x.p99);
  console.log(
    `  ${name.padEnd(24)} p99 ${median(p).toFixed(2)} ms [${Math.min(...p).toFixed(2)} – ${Math.max(...p).toFixed(2)}]  | echo host ${median(rs.map((x) => x.echoPerWake)).toFixed(0)} µs/wake  | kernel ${median(rs.map((x) => x.kernelPerReq)).toFixed(0)} µs/req`,
  );
}
