import { readFileSync } from 'node:fs';
import * as si from 'systeminformation';
import { createSystemInfo } from '../kernel/system/index.js';
import { report } from './report.js';

/**
 * What host metrics cost: the /proc path of kernel/system against the same figures gathered
 * with systeminformation's calls, in the same run. CPU time counts this process and the
 * children it spawned and reaped (systeminformation runs df, cat, sensors…), read from
 * /proc/self/stat; process.cpuUsage() alone would miss them.
 *
 * BENCH_SECONDS (default 20) sets how many 1 s slots each kind gets in the interleaved 1 Hz run.
 */

const TICK_MS = 10; // USER_HZ = 100

/** CPU milliseconds used so far by this process (µs precision) plus its reaped children (10 ms ticks). */
function cpuMs(): number {
  const self = process.cpuUsage();
  const stat = readFileSync('/proc/self/stat', 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const children = (Number(f[13]) + Number(f[14])) * TICK_MS;
  return (self.user + self.system) / 1000 + children;
}

// The 1 s path: topology and GPUs are read at start and then served from their caches.
const sys = createSystemInfo({ cacheMs: 0, gpuCacheMs: 3_600_000 });

const siRead = () =>
  Promise.all([
    si.currentLoad(),
    si.mem(),
    si.fsSize(),
    si.disksIO(),
    si.networkStats('*'),
    si.cpuTemperature(),
  ]);

async function perRead(read: () => Promise<unknown>, n: number): Promise<number> {
  const start = cpuMs();
  for (let i = 0; i < n; i++) await read();
  return (cpuMs() - start) / n;
}

/**
 * Runs the kinds in turn, one per 1 s slot (`seconds` slots each), so every kind sees the same
 * machine load. For each kind it returns, in % of one core: `read`, the CPU spent between the
 * start and the end of its reads (the collector's cost, measured after 1 s asleep, so with cold
 * caches), and `slot`, the whole process's CPU over its slots. `slot` also holds what the
 * process costs doing nothing (the `idle` kind; tsx's loader alone costs 0.4–0.8 % here, plain
 * node ~0.03 %), and is noisy by that much.
 */
async function atOneHz(
  kinds: Record<string, () => Promise<unknown>>,
  seconds: number,
): Promise<Record<string, { read: number; slot: number }>> {
  const names = Object.keys(kinds);
  const sums = new Map(names.map((n) => [n, { read: 0, slot: 0 }]));
  const start = performance.now();
  for (let slot = 0; slot < seconds * names.length; slot++) {
    const name = names[slot % names.length]!;
    const sum = sums.get(name)!;
    const before = cpuMs();
    await kinds[name]!();
    sum.read += cpuMs() - before;
    await new Promise((r) => setTimeout(r, Math.max(0, start + (slot + 1) * 1000 - performance.now())));
    sum.slot += cpuMs() - before;
  }
  const pct = (ms: number) => (ms / (seconds * 1000)) * 100;
  return Object.fromEntries(
    names.map((n) => [n, { read: pct(sums.get(n)!.read), slot: pct(sums.get(n)!.slot) }]),
  );
}

const seconds = Number(process.env.BENCH_SECONDS ?? 20);

const coldStart = cpuMs();
await sys.snapshot();
const cold = cpuMs() - coldStart;
await siRead(); // warm up systeminformation too (its first calls set up state)

const N = 20;
const procMs = await perRead(() => sys.snapshot(), N);
const siMs = await perRead(siRead, N);

report({
  name: 'system: one snapshot(), /proc path (cpu time)',
  value: procMs,
  unit: 'ms',
  baseline: { name: 'systeminformation calls, same data', value: siMs },
});
report({ name: 'system: first snapshot() incl. topology + gpu (cpu time)', value: cold, unit: 'ms' });

const pct = await atOneHz({ proc: () => sys.snapshot(), idle: async () => {}, si: siRead }, seconds);
report({
  name: `system: collector at 1 Hz (${seconds} reads, interleaved)`,
  value: pct.proc!.read,
  unit: '% of one core',
  baseline: { name: 'systeminformation calls at 1 Hz', value: pct.si!.read },
  goal: '<= 1 %',
  met: pct.proc!.read <= 1,
});
report({
  name: 'system: whole process at 1 Hz, /proc path',
  value: pct.proc!.slot,
  unit: '% of one core',
  baseline: { name: 'same process idle', value: pct.idle!.slot },
});
report({
  name: 'system: whole process at 1 Hz, systeminformation',
  value: pct.si!.slot,
  unit: '% of one core',
  baseline: { name: 'same process idle', value: pct.idle!.slot },
});

const snap = await sys.snapshot();
const series =
  snap.cpu.cores.length * 8 +
  8 +
  3 +
  8 +
  snap.disk.filesystems.length * 4 +
  snap.disk.devices.length * 8 +
  snap.network.interfaces.length * 8 +
  snap.temperature.sensors.length;
report({ name: 'system: series per snapshot on this machine', value: series, unit: 'series' });
