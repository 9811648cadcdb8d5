import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTextReader } from '@omega/hostinfo';
import { createSystemInfo } from '../kernel/system/index.js';
import { withFastSensorReads } from '../kernel/system/with-fast-sensor-reads.js';
import { median, report } from './report.js';

/**
 * What a temperature read costs the kernel with a fast hwmon driver's inputs read in the turn
 * (kernel/system/with-fast-sensor-reads.ts) beside the same read through the thread pool (the
 * default reader alone, as before): CPU µs of all the process's threads and their wake-ups per
 * read, reads SENSOR_GAP_MS apart (default 20: the loop sleeps between them, as at 1 Hz), each
 * figure minus the same sleeps without reads. The sysfs tree is a fake one (a coretemp chip with
 * SENSOR_INPUTS inputs, default 9: package + 8 cores) so the figure does not depend on this
 * machine's sensors; the pool hops per read are the same as on /sys.
 *
 * Run: npx tsx bench/sensor-reads.bench.ts   (SENSOR_READS per round, default 150; SENSOR_ROUNDS, default 5)
 */

const inputs = Number(process.env.SENSOR_INPUTS ?? 9);
const reads = Number(process.env.SENSOR_READS ?? 150);
const rounds = Number(process.env.SENSOR_ROUNDS ?? 5);
const gapMs = Number(process.env.SENSOR_GAP_MS ?? 20);

/** CPU µs and wake-ups (voluntary context switches) of all this process's threads so far. */
function account(): { cpu: number; wakes: number } {
  let cpu = 0;
  let wakes = 0;
  for (const t of readdirSync('/proc/self/task')) {
    try {
      cpu += Number(readFileSync(`/proc/self/task/${t}/schedstat`, 'utf8').split(' ')[0]) / 1000;
      const m = /voluntary_ctxt_switches:\s+(\d+)/.exec(readFileSync(`/proc/self/task/${t}/status`, 'utf8'));
      wakes += Number(m?.[1] ?? 0);
    } catch {
      // the thread ended between the listing and the read
    }
  }
  return { cpu, wakes };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function perRead(sys: string, fast: boolean): Promise<{ cpu: number; wakes: number }> {
  const base = createTextReader('/proc', sys);
  const info = createSystemInfo({
    sysRoot: sys,
    cacheMs: 0,
    readText: fast ? withFastSensorReads(sys, base) : base,
  });
  for (let i = 0; i < 20; i++) await info.temperature();
  const i0 = account();
  for (let i = 0; i < reads; i++) await sleep(gapMs);
  const i1 = account();
  for (let i = 0; i < reads; i++) {
    await info.temperature();
    await sleep(gapMs);
  }
  const i2 = account();
  return {
    cpu: (i2.cpu - i1.cpu - (i1.cpu - i0.cpu)) / reads,
    wakes: (i2.wakes - i1.wakes - (i1.wakes - i0.wakes)) / reads,
  };
}

const sys = mkdtempSync(join(tmpdir(), 'omega-sensor-bench-'));
try {
  const dir = join(sys, 'class/hwmon/hwmon0');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'name'), 'coretemp\n');
  for (let i = 1; i <= inputs; i++) {
    writeFileSync(join(dir, `temp${i}_input`), `${40_000 + i * 1000}\n`);
    writeFileSync(join(dir, `temp${i}_label`), i === 1 ? 'Package id 0\n' : `Core ${i - 2}\n`);
  }
  const pool = { cpu: [] as number[], wakes: [] as number[] };
  const turn = { cpu: [] as number[], wakes: [] as number[] };
  for (let r = 0; r < rounds; r++) {
    for (const [fast, into] of [
      [false, pool],
      [true, turn],
    ] as const) {
      const got = await perRead(sys, fast);
      into.cpu.push(got.cpu);
      into.wakes.push(got.wakes);
    }
  }
  console.log(
    `temperature read, ${inputs} coretemp inputs (fake sysfs), ${rounds} rounds × ${reads} reads ${gapMs} ms apart, medians; loadavg ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
  report({
    name: 'CPU per temperature read, fast inputs in the turn',
    value: median(turn.cpu),
    unit: 'µs',
    baseline: { name: 'every input through the thread pool (before)', value: median(pool.cpu) },
  });
  report({
    name: 'wake-ups per temperature read (all threads), in the turn',
    value: median(turn.wakes),
    unit: '',
    baseline: { name: 'through the thread pool (before)', value: median(pool.wakes) },
  });
} finally {
  rmSync(sys, { recursive: true, force: true });
}
