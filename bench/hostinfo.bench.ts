import { readFileSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { createSecondSampler, type SecondSample } from '@omega/hostinfo';
import * as si from 'systeminformation';
import { percentile, report } from './report.js';

/**
 * The 1 s path of @omega/hostinfo (createSecondSampler: /proc/stat, loadavg, meminfo, diskstats,
 * net/dev → CPU total and per core, memory, iostat -x per disk, rates per interface) against the
 * same figures collected through systeminformation (currentLoad, mem, disksIO, networkStats), in
 * the same run. CPU time counts this process and its reaped children (systeminformation spawns),
 * from /proc/self/stat. Bytes allocated per reading: heap growth across one reading right after a
 * full GC, median of many readings (a reading that triggers a scavenge is an outlier the median
 * drops). BENCH_SECONDS (default 10) sets the 1 Hz slots per kind.
 */

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** CPU ms so far: this process (µs precision) plus reaped children (10 ms ticks). */
function cpuMs(): number {
  const self = process.cpuUsage();
  const stat = readFileSync('/proc/self/stat', 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (self.user + self.system) / 1000 + (Number(f[13]) + Number(f[14])) * 10;
}

const sampler = createSecondSampler();
const siRead = () => Promise.all([si.currentLoad(), si.mem(), si.disksIO(), si.networkStats('*')]);

/** Figures in one sample, as series a metrics plugin would store. */
function seriesIn(s: SecondSample): number {
  const cpu = (1 + s.cpu.cores.length) * 8 + 3;
  const memory = 5 + 3;
  const disks = s.disks.reduce(
    (n, d) => n + Object.values(d).filter((v) => typeof v === 'number').length - 1,
    0,
  );
  const net = s.network.length * 8;
  return cpu + memory + disks + net;
}

async function cpuPerRead(read: () => unknown, n: number): Promise<number> {
  const start = cpuMs();
  for (let i = 0; i < n; i++) await read();
  return (cpuMs() - start) / n;
}

async function bytesPerRead(read: () => unknown, n: number): Promise<number> {
  const deltas: number[] = [];
  for (let i = 0; i < n; i++) {
    gc();
    const before = process.memoryUsage().heapUsed;
    await read();
    deltas.push(process.memoryUsage().heapUsed - before);
  }
  return percentile(deltas, 50);
}

async function wallPerRead(read: () => unknown, n: number): Promise<number[]> {
  const t: number[] = [];
  for (let i = 0; i < n; i++) {
    const start = performance.now();
    await read();
    t.push((performance.now() - start) * 1000);
  }
  return t;
}

/** Kinds in turn, one per 1 s slot: % of one core spent in each kind's reads. */
async function atOneHz(
  kinds: Record<string, () => unknown>,
  seconds: number,
): Promise<Record<string, number>> {
  const names = Object.keys(kinds);
  const sums = new Map(names.map((n) => [n, 0]));
  const start = performance.now();
  for (let slot = 0; slot < seconds * names.length; slot++) {
    const name = names[slot % names.length]!;
    const before = cpuMs();
    await kinds[name]!();
    sums.set(name, sums.get(name)! + cpuMs() - before);
    await new Promise((r) => setTimeout(r, Math.max(0, start + (slot + 1) * 1000 - performance.now())));
  }
  return Object.fromEntries(names.map((n) => [n, (sums.get(n)! / (seconds * 1000)) * 100]));
}

// Warm both (the sampler's first reading has no rates; systeminformation sets up state).
sampler.sample();
await new Promise((r) => setTimeout(r, 100));
const sample = sampler.sample();
await siRead();

const N = 200;
const procMs = await cpuPerRead(() => sampler.sample(), N);
const siMs = await cpuPerRead(siRead, 20);
report({
  name: 'hostinfo: one 1 s reading (cpu time)',
  value: procMs,
  unit: 'ms',
  baseline: { name: 'systeminformation, same figures', value: siMs },
});

const wall = await wallPerRead(() => sampler.sample(), 2000);
const siWall = await wallPerRead(siRead, 20);
report({
  name: 'hostinfo: one 1 s reading, wall p50',
  value: percentile(wall, 50),
  unit: 'µs',
  baseline: { name: 'systeminformation p50', value: percentile(siWall, 50) },
});

const bytes = await bytesPerRead(() => sampler.sample(), 300);
const siBytes = await bytesPerRead(siRead, 30);
report({
  name: 'hostinfo: heap allocated per reading (median)',
  value: bytes / 1024,
  unit: 'KiB',
  baseline: { name: 'systeminformation, same figures', value: siBytes / 1024 },
});

// No allocation that grows: heap after a full GC, after a first round of 5000 readings (which
// also holds what V8 keeps once: compiled code, feedback, the reused read buffer) and after three
// more. Noise is ±15 KiB here; growth would show as a steady climb.
const retainedAfter = (read: () => unknown): number => {
  const heapAfterRound = () => {
    for (let i = 0; i < 5000; i++) read();
    gc();
    gc();
    return process.memoryUsage().heapUsed;
  };
  const first = heapAfterRound();
  heapAfterRound();
  heapAfterRound();
  return heapAfterRound() - first;
};
const grown = retainedAfter(() => sampler.sample());
const same = retainedAfter(() => JSON.parse(JSON.stringify(sample)));
report({
  name: 'hostinfo: heap change over 15 000 more readings',
  value: grown / 1024,
  unit: 'KiB',
  baseline: { name: 'same for JSON round trips of a sample', value: same / 1024 },
});

const seconds = Number(process.env.BENCH_SECONDS ?? 10);
const pct = await atOneHz({ hostinfo: () => sampler.sample(), si: siRead }, seconds);
report({
  name: `hostinfo: 1 s path at 1 Hz (${seconds} reads, interleaved)`,
  value: pct.hostinfo!,
  unit: '% of one core',
  baseline: { name: 'systeminformation at 1 Hz', value: pct.si! },
  goal: '<= 0.2 %',
  met: pct.hostinfo! <= 0.2,
});
report({ name: 'hostinfo: series per reading on this machine', value: seriesIn(sample), unit: 'series' });
