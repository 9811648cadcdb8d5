import { execSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { report } from './report.js';

/**
 * CPU per ephemeral.setMany of 1,000 heartbeat-sized entries in a plugin's ephemeral stores
 * (kernel/plugins/manager/plugin-ephemeral.ts), this tree against another checkout of the
 * repository (BASELINE_TREE, default /work/before-s10), interleaved rounds, medians of process
 * CPU, and an A/A row for the noise. Why it exists: sizing each entry in UTF-8 bytes
 * (Buffer.byteLength of key and value JSON) cost 1.14–1.16× the baseline here, so the stores
 * count characters (key.length + the value JSON's length, made anyway) and pages end by them.
 *
 *   npx tsx --conditions=source bench/ephemeral-sizing.bench.ts
 */

const ROUNDS = 9;
const CALLS = 400;
const ENTRIES = 1000;

type Ephemeral = {
  setMany(store: string, entries: [string, unknown][]): Promise<unknown>;
};
type Make = (storage: unknown, ns: string) => Ephemeral;
type OpenAt = (dir: string) => Promise<{ close(): Promise<void> }>;
type Open = (opts: { dataDir: string; logger: unknown }) => Promise<{ close(): Promise<void> }>;

async function load(tree: string): Promise<{ make: Make; open: OpenAt }> {
  const eph = await import(pathToFileURL(join(tree, 'kernel/plugins/manager/plugin-ephemeral.ts')).href);
  const st = await import(pathToFileURL(join(tree, 'kernel/storage/index.ts')).href);
  const log = await import(pathToFileURL(join(tree, 'kernel/log/index.ts')).href);
  const logger = log.createLogger({ level: 'silent' });
  const open = st.openStorage as Open;
  return { make: eph.pluginEphemeral as Make, open: (dir) => open({ dataDir: dir, logger }) };
}

const batch = (round: number, call: number): [string, unknown][] =>
  Array.from({ length: ENTRIES }, (_, i) => [
    `node-${i.toString().padStart(5, '0')}`,
    {
      seq: round * CALLS + call,
      at: Date.now(),
      cpu: [0.12, 0.5, 0.33, 0.9],
      mem: 1234567,
      up: true,
      name: `n${i}`,
    },
  ]);

async function cpuPerCall(impl: { make: Make; open: OpenAt }, round: number): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'omega-eph-bench-'));
  const storage = await impl.open(dir);
  try {
    const eph = impl.make(storage, 'bench');
    const batches = Array.from({ length: CALLS }, (_, c) => batch(round, c));
    const t0 = process.cpuUsage();
    for (const b of batches) await eph.setMany('hb', b);
    const t = process.cpuUsage(t0);
    return (t.user + t.system) / CALLS;
  } finally {
    await storage.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

const median = (v: number[]): number => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)]!;

const baselineTree = process.env.BASELINE_TREE ?? '/work/before-s10';
const after = await load(process.cwd());
const before = await load(baselineTree);
const a: number[] = [];
const b: number[] = [];
const aa: number[] = [];
for (let r = 0; r < ROUNDS; r++) {
  // Alternate which goes first; a second baseline run gives the A/A noise beside the ratio.
  if (r % 2 === 0) {
    a.push(await cpuPerCall(before, r));
    b.push(await cpuPerCall(after, r));
    aa.push(await cpuPerCall(before, r));
  } else {
    b.push(await cpuPerCall(after, r));
    aa.push(await cpuPerCall(before, r));
    a.push(await cpuPerCall(before, r));
  }
}
console.log(`load average: ${execSync('uptime').toString().trim()}  (${performance.now().toFixed(0)} ms)`);
report({
  name: `ephemeral.setMany of ${ENTRIES}, CPU per call (this tree)`,
  value: median(b),
  unit: 'µs',
  baseline: { name: baselineTree, value: median(a) },
});
report({
  name: 'A/A: baseline again',
  value: median(aa),
  unit: 'µs',
  baseline: { name: baselineTree, value: median(a) },
});
