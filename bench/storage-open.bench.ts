/**
 * How long opening storage takes as a namespace grows (what a restart waits for), from a
 * compacted snapshot and from a journal, beside a baseline on the same file in the same
 * run: reading it and JSON.parse of the whole document (what parsing a lowdb JSON file costs
 * at the least, before any record is checked or indexed).
 * Run: npm run bench -- storage   (BENCH_OPEN_RECORDS=100000,300000)
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger } from '../kernel/log/index.js';
import { openStorage, type TransactionOp } from '../kernel/storage/index.js';
import { report } from './report.js';

const RECORDS = (process.env.BENCH_OPEN_RECORDS ?? '100000,300000').split(',').map(Number);
const logger = createLogger({ level: 'silent' });
const value = (i: number) => ({
  host: `node-${i}.cluster.local`,
  cpus: 64,
  labels: { rack: `r${i % 40}` },
  phase: 'Ready',
});

for (const records of RECORDS) {
  const dir = await mkdtemp(join(tmpdir(), 'omega-bench-open-'));
  // No compaction while filling: the first open replays the journal only.
  let storage = await openStorage({
    dataDir: dir,
    logger,
    compaction: { minJournalBytes: 2 ** 50, journalRatio: 1 },
  });
  for (let from = 0; from < records; from += 1000) {
    const ops: TransactionOp[] = [];
    for (let i = from; i < Math.min(records, from + 1000); i++)
      ops.push({ op: 'set', collection: 'nodes', id: `node-${i}`, value: value(i) });
    await storage.transaction('bench', ops);
  }
  await storage.close();
  let t = performance.now();
  storage = await openStorage({ dataDir: dir, logger });
  const fromJournal = performance.now() - t;
  await storage.compact('bench');
  await storage.close();
  t = performance.now();
  storage = await openStorage({ dataDir: dir, logger });
  const fromSnapshot = performance.now() - t;
  const count = storage.stats().bench!.records;
  await storage.close();
  t = performance.now();
  const parsed = JSON.parse(await readFile(join(dir, 'storage', 'bench.json'), 'utf8')) as {
    collections: { nodes: object };
  };
  const baseline = performance.now() - t;
  if (Object.keys(parsed.collections.nodes).length !== count)
    throw new Error('snapshot and storage disagree');
  const label = `${records / 1000}k records`;
  report({
    name: `open storage, ${label}, from the snapshot`,
    value: fromSnapshot,
    unit: 'ms',
    baseline: { name: 'readFile + JSON.parse of that file', value: baseline },
  });
  report({
    name: `open storage, ${label}, from the journal`,
    value: fromJournal,
    unit: 'ms',
    baseline: { name: 'readFile + JSON.parse of the snapshot', value: baseline },
  });
  await rm(dir, { recursive: true, force: true });
}
