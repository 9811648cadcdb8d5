/**
 * Acknowledged storage mutations per second (each on disk when its promise resolves), with
 * 1k and 10k records in the namespace, at concurrency 1 and 64. Baseline, same run: the
 * naive way, one JSON.stringify + writeFile + fsync + rename of the same document per mutation.
 * Run: npx tsx bench/storage-mutations.bench.ts
 */
import { mkdtemp, open, rename, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger } from '../kernel/log/index.js';
import { openStorage } from '../kernel/storage/index.js';
import { percentile, report } from './report.js';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 3);
const GOAL = 2000;
const logger = createLogger({ level: 'silent' });

const valueFor = (i: number, n: number) => ({
  spec: {
    host: `node-${i}.cluster.local`,
    cpus: 64,
    memGiB: 512,
    labels: { rack: `r${i % 40}`, gpu: i % 3 === 0 },
  },
  status: { phase: 'Ready', load: [n % 7, 0.5, 0.25], heartbeat: 1_700_000_000_000 + n },
});

async function measureStorage(records: number, concurrency: number) {
  const dir = await mkdtemp(join(tmpdir(), 'omega-bench-storage-'));
  const storage = await openStorage({ dataDir: dir, logger });
  const view = storage.namespace('bench');
  await Promise.all(
    Array.from({ length: records }, (_, i) => view.set('nodes', `node-${i}`, valueFor(i, 0))),
  );
  const before = storage.stats().bench!;
  const latencies: number[] = [];
  let done = 0;
  const end = performance.now() + SECONDS * 1000;
  const start = performance.now();
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
  const elapsed = (performance.now() - start) / 1000;
  const after = storage.stats().bench!;
  await storage.close();
  await rm(dir, { recursive: true, force: true });
  return {
    perSecond: done / elapsed,
    batch: (after.mutations - before.mutations) / (after.writes - before.writes),
    p99: percentile(latencies, 99),
  };
}

/** The naive way: one full-document write (stringify, write, fsync, rename) per mutation. */
async function measureBaseline(records: number) {
  const dir = await mkdtemp(join(tmpdir(), 'omega-bench-baseline-'));
  const file = join(dir, 'bench.json');
  const now = new Date().toISOString();
  const doc: Record<string, Record<string, unknown>> = { nodes: {} };
  for (let i = 0; i < records; i++) {
    doc.nodes![`node-${i}`] = {
      id: `node-${i}`,
      version: 1,
      createdAt: now,
      updatedAt: now,
      value: valueFor(i, 0),
    };
  }
  let done = 0;
  const start = performance.now();
  const end = start + SECONDS * 1000;
  while (performance.now() < end) {
    const i = Math.floor(Math.random() * records);
    doc.nodes![`node-${i}`] = {
      id: `node-${i}`,
      version: done,
      createdAt: now,
      updatedAt: now,
      value: valueFor(i, done),
    };
    const fh = await open(`${file}.tmp`, 'w');
    await fh.writeFile(JSON.stringify(doc));
    await fh.sync();
    await fh.close();
    await rename(`${file}.tmp`, file);
    done++;
  }
  const elapsed = (performance.now() - start) / 1000;
  await rm(dir, { recursive: true, force: true });
  return done / elapsed;
}

for (const records of [1_000, 10_000]) {
  const baseline = await measureBaseline(records);
  for (const concurrency of [1, 64]) {
    const r = await measureStorage(records, concurrency);
    const label = `${records / 1000}k`;
    report({
      name: `storage acked mutations/s, ${label} records, concurrency ${concurrency}`,
      value: r.perSecond,
      unit: 'ops/s',
      baseline: { name: 'stringify+writeFile+fsync+rename per op', value: baseline },
      ...(records === 10_000 && concurrency === 64
        ? { goal: `>= ${GOAL} ops/s`, met: r.perSecond >= GOAL }
        : {}),
    });
    console.log(
      `${''.padEnd(4)}mean batch ${r.batch.toFixed(1)} mutations/write, p99 ack latency ${r.p99.toFixed(1)} ms`,
    );
  }
}
