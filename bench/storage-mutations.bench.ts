/**
 * Acknowledged storage mutations per second with ONE client (each awaited: on disk when its
 * promise resolves), at 10,000 and 1,000,000 records in the namespace, plus 64 clients at
 * 10,000; and the bytes written per mutation (journal frames, and snapshots written by
 * compactions during the run). Baseline, same run and disk: a bare append + fdatasync loop
 * of records of the same size; also shown, a bare O_DSYNC append loop, and a bare O_DSYNC
 * overwrite loop into a pre-zeroed file (what the journal does: one durable write per
 * commit, one system call, into space zero-filled ahead of it, so no size change to sync).
 *
 * The disk is shared with other work, so its speed swings by several times within seconds:
 * each figure is the median of ROUNDS short windows, and every storage window runs right
 * after a window of each baseline (interleaved), so a ratio compares like with like.
 * Run: npm run bench -- storage   (BENCH_ROUNDS=8, BENCH_WINDOW_MS=500, BENCH_RECORDS=10000,1000000)
 */
import { execFileSync } from 'node:child_process';
import { constants, mkdtempSync, rmdirSync } from 'node:fs';
import { mkdtemp, open, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { createLogger } from '../kernel/log/index.js';
import { type NamespaceView, openStorage, type TransactionOp } from '../kernel/storage/index.js';
import { percentile, report } from './report.js';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 8);
const WINDOW_MS = Number(process.env.BENCH_WINDOW_MS ?? 500);
const RECORDS = (process.env.BENCH_RECORDS ?? '10000,1000000').split(',').map(Number);
const GOAL = 2000;
const logger = createLogger({ level: 'silent' });
const dirs: string[] = [];
const tempDir = async (name: string, base = tmpdir()) => {
  const d = await mkdtemp(join(base, `omega-bench-${name}-`));
  dirs.push(d);
  return d;
};
const median = (xs: readonly number[]) => percentile(xs, 50);
/** The largest value (a loop: spreading 100k+ latencies into Math.max overflows the stack). */
const largest = (xs: readonly number[]) => xs.reduce((a, b) => Math.max(a, b), Number.NEGATIVE_INFINITY);

const valueFor = (i: number, n: number) => ({
  spec: {
    host: `node-${i}.cluster.local`,
    cpus: 64,
    memGiB: 512,
    labels: { rack: `r${i % 40}`, gpu: i % 3 === 0 },
  },
  status: { phase: 'Ready', load: [n % 7, 0.5, 0.25], heartbeat: 1_700_000_000_000 + n },
});

/** Size of one record as the journal stores it (a set line), for a same-size baseline. */
const LINE_BYTES = Buffer.byteLength(
  JSON.stringify({
    set: 'nodes',
    record: {
      id: 'node-123456',
      version: 12,
      createdAt: new Date().toISOString(),
      updatedAt: new Date().toISOString(),
      value: valueFor(123456, 7),
    },
  }),
);

/** Bytes of the pre-zeroed baseline file (its writes wrap around: every one is an overwrite). */
const PREZEROED_BYTES = 16 * 1024 * 1024;

/**
 * A bare loop of record-sized writes, made durable one at a time (the floor): appended
 * with fdatasync, appended O_DSYNC, or written O_DSYNC over a file zero-filled beforehand.
 */
async function appendLoop(how: 'fdatasync' | 'O_DSYNC' | 'prezeroed', base?: string) {
  const dir = await tempDir('baseline', base);
  const { O_APPEND, O_CREAT, O_DSYNC, O_RDWR, O_WRONLY } = constants;
  const flags =
    how === 'prezeroed'
      ? O_RDWR | O_CREAT | O_DSYNC
      : O_WRONLY | O_CREAT | O_APPEND | (how === 'O_DSYNC' ? O_DSYNC : 0);
  const fh = await open(join(dir, 'append.bin'), flags);
  if (how === 'prezeroed') {
    const zeros = Buffer.alloc(1024 * 1024);
    for (let at = 0; at < PREZEROED_BYTES; at += zeros.length) await fh.write(zeros, 0, zeros.length, at);
  }
  const buf = Buffer.alloc(LINE_BYTES + 20, 0x78);
  let at = 0;
  return {
    /** Writes for one window; ops/s. Each write's latency goes to `latencies` if given. */
    async window(latencies?: number[]): Promise<number> {
      let done = 0;
      const start = performance.now();
      const end = start + WINDOW_MS;
      while (performance.now() < end) {
        const t0 = performance.now();
        if (how === 'prezeroed') {
          if (at + buf.length > PREZEROED_BYTES) at = 0;
          await fh.write(buf, 0, buf.length, at);
          at += buf.length;
        } else await fh.write(buf);
        if (how === 'fdatasync') await fh.datasync();
        latencies?.push(performance.now() - t0);
        done++;
      }
      return done / ((performance.now() - start) / 1000);
    },
    close: () => fh.close(),
  };
}

async function fill(records: number, base?: string) {
  const dir = await tempDir('storage', base);
  const storage = await openStorage({ dataDir: dir, logger });
  const t0 = performance.now();
  const BATCH = 1000;
  let next = 0;
  let lastShown = 0;
  // Eight writers of 1,000-record transactions (group commit joins them into shared frames).
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      while (next < records) {
        const from = next;
        next = Math.min(records, next + BATCH);
        const ops: TransactionOp[] = [];
        for (let i = from; i < next; i++)
          ops.push({ op: 'set', collection: 'nodes', id: `node-${i}`, value: valueFor(i, 0) });
        await storage.transaction('bench', ops);
        if (next - lastShown >= records / 10 && records >= 100_000) {
          lastShown = next;
          process.stdout.write(`    filling: ${next} / ${records} records\r`);
        }
      }
    }),
  );
  await storage.compact('bench');
  if (records >= 100_000) {
    const mb = (storage.stats().bench!.snapshotBytes / 1e6).toFixed(0);
    console.log(
      `    filled ${records} records in ${((performance.now() - t0) / 1000).toFixed(1)} s (snapshot ${mb} MB)`,
    );
  }
  return storage;
}

/** Sets random records with `concurrency` clients for one window; ops/s and each ack's latency. */
async function storageWindow(view: NamespaceView, records: number, concurrency: number, latencies: number[]) {
  let done = 0;
  const start = performance.now();
  const end = start + WINDOW_MS;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < end) {
        const i = Math.floor(Math.random() * records);
        const t0 = performance.now();
        await view.set('nodes', `node-${i}`, valueFor(i, done));
        latencies.push(performance.now() - t0);
        done++;
      }
    }),
  );
  return done / ((performance.now() - start) / 1000);
}

const fdatasync = await appendLoop('fdatasync');
const dsync = await appendLoop('O_DSYNC');
const prezeroed = await appendLoop('prezeroed');
const baselineName = `append ${LINE_BYTES + 20} B + fdatasync loop`;
const runs: [number, number][] = RECORDS.flatMap((r): [number, number][] =>
  r === 10_000
    ? [
        [r, 1],
        [r, 64],
      ]
    : [[r, 1]],
);
for (const [records, concurrency] of runs) {
  const storage = await fill(records);
  const view = storage.namespace('bench');
  const before = storage.stats().bench!;
  const latencies: number[] = [];
  const prezeroedLatencies: number[] = [];
  const rates = {
    fdatasync: [] as number[],
    dsync: [] as number[],
    prezeroed: [] as number[],
    storage: [] as number[],
  };
  const load = loadavg()[0]!;
  for (let round = 0; round < ROUNDS; round++) {
    rates.fdatasync.push(await fdatasync.window());
    rates.dsync.push(await dsync.window());
    rates.prezeroed.push(await prezeroed.window(prezeroedLatencies));
    rates.storage.push(await storageWindow(view, records, concurrency, latencies));
  }
  const after = storage.stats().bench!;
  // One client keeps writing while the namespace is compacted: what do acknowledgements wait meanwhile?
  const during: number[] = [];
  const loopDelay = monitorEventLoopDelay({ resolution: 5 });
  if (concurrency === 1) {
    loopDelay.enable();
    let compacting = true;
    const t0 = performance.now();
    const compaction = storage.compact('bench').finally(() => {
      compacting = false;
    });
    for (let n = 0; compacting; n++) {
      const i = Math.floor(Math.random() * records);
      const t = performance.now();
      await view.set('nodes', `node-${i}`, valueFor(i, n));
      during.push(performance.now() - t);
    }
    await compaction;
    loopDelay.disable();
    const mb = (storage.stats().bench!.snapshotBytes / 1e6).toFixed(0);
    console.log(
      `    a compaction (${mb} MB snapshot) took ${((performance.now() - t0) / 1000).toFixed(2)} s; ${during.length} acks meanwhile`,
    );
  }
  await storage.close();
  const mutations = after.mutations - before.mutations;
  const label = records >= 1_000_000 ? `${records / 1_000_000}M` : `${records / 1000}k`;
  const perSecond = median(rates.storage);
  report({
    name: `storage acked mutations/s, ${label} records, ${concurrency === 1 ? 'ONE client' : `${concurrency} clients`}`,
    value: perSecond,
    unit: 'ops/s',
    baseline: { name: baselineName, value: median(rates.fdatasync) },
    ...(concurrency === 1 ? { goal: `>= ${GOAL} ops/s`, met: perSecond >= GOAL } : {}),
  });
  report({
    name: '    the same, beside the O_DSYNC append loop',
    value: perSecond,
    unit: 'ops/s',
    baseline: { name: 'append + O_DSYNC loop', value: median(rates.dsync) },
  });
  report({
    name: '    the same, beside the O_DSYNC overwrite loop (pre-zeroed file)',
    value: perSecond,
    unit: 'ops/s',
    baseline: { name: 'pre-zeroed O_DSYNC loop', value: median(rates.prezeroed) },
  });
  // An ack must not wait for the zeros written ahead of the journal (about one ack in a few
  // thousand used to write the next 1 MiB inline): its tail beside the bare overwrite loop's.
  for (const [what, p] of [
    ['p99', 99],
    ['p99.9', 99.9],
  ] as const) {
    report({
      name: `    ack latency ${what}`,
      value: percentile(latencies, p),
      unit: 'ms',
      baseline: { name: `pre-zeroed O_DSYNC loop ${what}`, value: percentile(prezeroedLatencies, p) },
    });
  }
  report({
    name: '    ack latency max',
    value: largest(latencies),
    unit: 'ms',
    baseline: { name: 'pre-zeroed O_DSYNC loop max', value: largest(prezeroedLatencies) },
  });
  report({
    name: '    bytes written per mutation (journal)',
    value: (after.written.journal - before.written.journal) / mutations,
    unit: 'B',
    baseline: { name: 'one record as a journal line', value: LINE_BYTES },
  });
  report({
    name: '    bytes written per mutation (zero-fill ahead of the journal, amortized)',
    value: (after.written.zeroFill - before.written.zeroFill) / mutations,
    unit: 'B',
    baseline: { name: 'one record as a journal line', value: LINE_BYTES },
  });
  report({
    name: '    bytes written per mutation (snapshots, amortized)',
    value: (after.written.snapshot - before.written.snapshot) / mutations,
    unit: 'B',
    baseline: { name: 'one record as a journal line', value: LINE_BYTES },
  });
  if (during.length > 0) {
    report({
      name: '    event-loop delay max while a compaction runs',
      value: loopDelay.max / 1e6,
      unit: 'ms',
      baseline: { name: 'ack latency max meanwhile', value: Math.max(...during) },
    });
    report({
      name: '    ack latency p99 while a compaction runs',
      value: percentile(during, 99),
      unit: 'ms',
      baseline: { name: 'p99 in the windows above', value: percentile(latencies, 99) },
    });
    report({
      name: '    ack latency max while a compaction runs',
      value: Math.max(...during),
      unit: 'ms',
      baseline: { name: 'max in the windows above', value: Math.max(...latencies) },
    });
  }
  const spread = (xs: number[]) => `${Math.round(Math.min(...xs))}–${Math.round(Math.max(...xs))}`;
  console.log(
    `${''.padEnd(4)}loadavg ${load.toFixed(2)} → ${loadavg()[0]!.toFixed(2)}; windows: storage ${spread(rates.storage)}, ` +
      `fdatasync loop ${spread(rates.fdatasync)}, pre-zeroed loop ${spread(rates.prezeroed)} ops/s; ` +
      `mean batch ${(mutations / (after.writes - before.writes)).toFixed(1)} mutations/frame, ` +
      `p99 ack ${percentile(latencies, 99).toFixed(2)} ms, ${after.compactions - before.compactions} compaction(s) ` +
      `of a ${(after.snapshotBytes / 1e6).toFixed(1)} MB snapshot`,
  );
}
await fdatasync.close();
await dsync.close();
await prezeroed.close();
for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });

// The same with the disk taken out: on a tmpfs (RAM), what the storage layer itself costs
// per acknowledged mutation, beside a bare append loop on that tmpfs.
const mounted = mountTmpfs(4096);
if (typeof mounted === 'string') console.log(`(no tmpfs run: ${mounted})`);
else {
  const ram = mounted.dir;
  try {
    const bare = await appendLoop('O_DSYNC', ram);
    for (const records of RECORDS) {
      const storage = await fill(records, ram);
      const view = storage.namespace('bench');
      const rates = { bare: [] as number[], storage: [] as number[] };
      const latencies: number[] = [];
      for (let round = 0; round < ROUNDS; round++) {
        rates.bare.push(await bare.window());
        rates.storage.push(await storageWindow(view, records, 1, latencies));
      }
      await storage.close();
      const label = records >= 1_000_000 ? `${records / 1_000_000}M` : `${records / 1000}k`;
      const perSecond = median(rates.storage);
      report({
        name: `on tmpfs: acked mutations/s, ${label} records, ONE client`,
        value: perSecond,
        unit: 'ops/s',
        baseline: { name: 'append + O_DSYNC loop on the tmpfs', value: median(rates.bare) },
        goal: `>= ${GOAL} ops/s`,
        met: perSecond >= GOAL,
      });
      console.log(
        `${''.padEnd(4)}storage's own cost per acknowledged mutation: ${(1e6 / perSecond - 1e6 / median(rates.bare)).toFixed(0)} µs ` +
          `(p50 ack ${percentile(latencies, 50).toFixed(3)} ms, p99 ${percentile(latencies, 99).toFixed(2)} ms)`,
      );
      for (const d of dirs.splice(1)) await rm(d, { recursive: true, force: true });
    }
    await bare.close();
  } finally {
    for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
    execFileSync('umount', ['-l', ram], { stdio: 'pipe' });
    await rm(ram, { recursive: true, force: true });
  }
}

/** Mounts a tmpfs of `mib` MiB on a temp dir, or says why not (needs root). */
function mountTmpfs(mib: number): { dir: string } | string {
  if (process.getuid?.() !== 0) return 'needs root to mount a tmpfs';
  const dir = mkdtempSync(join(tmpdir(), 'omega-bench-ram-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${mib}m`, 'tmpfs', dir], {
      stdio: 'pipe',
      timeout: 10_000,
    });
    return { dir };
  } catch (err) {
    rmdirSync(dir);
    return `cannot mount a tmpfs (${(err as Error).message.split('\n')[0]})`;
  }
}
