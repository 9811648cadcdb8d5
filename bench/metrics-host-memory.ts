import { readdirSync, readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { SETTLE_IDLE_MS } from '../kernel/sandbox/host/create-idle-settle.js';
import { type MemorySamples, sampleMemory, unitWithRange } from './sample-memory.js';
import { type OmegaUnderTest, startOmega } from './servers/start-omega.js';

/**
 * The idle plugin hosts' memory and the metrics host's CPU per 1 s collection, this tree beside
 * other built checkouts in the same run (BENCH_BEFORE, default /work/before-s15; more as
 * BENCH_VARIANTS=name=/path,name=/path): every kernel starts as `npm start` does (start-omega.ts)
 * and runs BENCH_WARMUP seconds (default 180: the metrics rings fill, the hosts settle); then each
 * host's CPU is read from /proc/<pid>/stat over BENCH_SECONDS (default 60), its RSS and private
 * memory once a second meanwhile, and 4 times a second for 3 s at the end (the http bench's reading,
 * sample-memory.ts). Each figure is a median, printed with its range; every kernel's row beside the
 * first's.
 *
 * Run: npx tsup --silent && npx tsx bench/metrics-host-memory.ts
 */
const WARMUP = Number(process.env.BENCH_WARMUP ?? 180);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 60);
const HOSTS = ['metrics', 'nodes'];
const trees: Array<[string, string | undefined]> = [
  ['this tree', undefined],
  ['before', process.env.BENCH_BEFORE ?? '/work/before-s15'],
  ...(process.env.BENCH_VARIANTS ?? '')
    .split(',')
    .filter(Boolean)
    .map((v) => v.split('=') as [string, string]),
];

/**
 * A process's CPU so far, ms: its threads' run time as the scheduler counts it
 * (/proc/<pid>/task/<tid>/schedstat, ns; utime + stime come in 10 ms ticks, too coarse for a host
 * busy ~0.1 % of the time). A thread that ended meanwhile is not counted (a host's are long-lived).
 */
const cpuMs = (pid: number): number => {
  let ns = 0;
  for (const tid of readdirSync(`/proc/${pid}/task`))
    try {
      ns += Number(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').split(' ')[0]);
    } catch {} // ended
  return ns / 1e6;
};

const kernels: Array<[string, OmegaUnderTest]> = [];
const stopAll = () => Promise.all(kernels.map(([, k]) => k.stop()));
process.on('SIGINT', () => void stopAll().then(() => process.exit(130)));
for (const [name, root] of trees) kernels.push([name, await startOmega(root ? { root } : {})]);
const hosts: Array<{ tree: string; host: string; pid: number }> = [];
for (const [tree, k] of kernels)
  for (const host of HOSTS) {
    const pid = await k.pluginPid(host);
    if (pid) hosts.push({ tree, host, pid });
  }
await sleep(Math.max(WARMUP * 1000, SETTLE_IDLE_MS + 2000));
const cpu0 = hosts.map((h) => cpuMs(h.pid));
const spread = await sampleMemory(
  hosts.map((h) => h.pid),
  { everyMs: 1000, forMs: SECONDS * 1000 },
);
const cpu = hosts.map((h, i) => (cpuMs(h.pid) - cpu0[i]!) / SECONDS);
const end = await sampleMemory(hosts.map((h) => h.pid));
await stopAll();

const mb = (m: MemorySamples) =>
  `RSS ${m.rss.median.toFixed(1)} ${unitWithRange('MB', m.rss)}, private ${m.own.median.toFixed(2)} ${unitWithRange('MB', m.own)}`;
console.log(
  `\nload average ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}`,
);
for (const host of HOSTS)
  for (const [i, h] of hosts.entries()) {
    if (h.host !== host) continue;
    const first = hosts.find((o) => o.host === host)!;
    const ratio = (cpu[i]! / cpu[hosts.indexOf(first)]!).toFixed(3);
    console.log(`${`${h.host} (${h.tree})`.padEnd(24)} 3 s at the end: ${mb(end.get(h.pid)!)}`);
    console.log(`${''.padEnd(24)} 1/s over ${SECONDS} s: ${mb(spread.get(h.pid)!)}`);
    console.log(
      `${''.padEnd(24)} host CPU ${cpu[i]!.toFixed(3)} ms per collection (× ${ratio} of ${first.tree})`,
    );
  }
