/**
 * What one metrics minute-batch and one audit append cost on disk: bytes written (journal
 * frames) beside the bytes of the records they change, same run. Before the journal, each
 * rewrote its whole namespace (shown too, as the namespace's size).
 *
 * - Metrics: a node's history as the metrics plugin keeps it (60 raw one-minute blocks of
 *   ~200 series × 60 samples, 1,440 minute and 720 hour blocks; ~10 MB); one batch is the
 *   finished minute's raw block, minute block and hour block, written in one turn.
 * - Audit: the security plugin's trail with 50,000 entries; one append is the entry
 *   (expectedVersion 0) then the chain head, awaited one after the other.
 * Run: npm run bench -- storage
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger } from '../kernel/log/index.js';
import {
  type NamespaceView,
  openStorage,
  type Storage,
  type TransactionOp,
} from '../kernel/storage/index.js';
import { report } from './report.js';

const logger = createLogger({ level: 'silent' });
const SERIES = 200;
const b64 = (floats: number) => randomBytes(floats * 4).toString('base64');
const block = (tier: string, first: number, width: number, fields: number) => ({
  node: 'node-1',
  tier,
  first,
  width,
  fields,
  offset: 0,
  count: SERIES,
  data: b64(SERIES * width * fields),
});
/** The quota's measure of a record: `"<id>":<record JSON>`. */
const recordBytes = async (view: NamespaceView, collection: string, id: string) => {
  const r = await view.get(collection, id);
  return Buffer.byteLength(`${JSON.stringify(id)}:${JSON.stringify(r)}`);
};

async function setAll(storage: Storage, ns: string, ops: TransactionOp[]): Promise<void> {
  for (let i = 0; i < ops.length; i += 500) await storage.transaction(ns, ops.slice(i, i + 500));
}

async function metricsBatch(storage: Storage): Promise<void> {
  const ops: TransactionOp[] = [];
  for (let m = 0; m < 60; m++)
    ops.push({ op: 'set', collection: 'raw', id: `node-1:${m}:0`, value: block('raw', m * 60, 60, 1) });
  for (let m = 0; m < 1440; m++)
    ops.push({ op: 'set', collection: 'minute', id: `node-1:${m}:0`, value: block('minute', m, 1, 3) });
  for (let h = 0; h < 720; h++)
    ops.push({ op: 'set', collection: 'hour', id: `node-1:${h}:0`, value: block('hour', h, 1, 3) });
  await setAll(storage, 'metrics', ops);
  await storage.compact('metrics');
  const view = storage.namespace('metrics');
  const size = storage.stats().metrics!.bytes;
  const rounds = 20;
  let written = 0;
  let changed = 0;
  for (let r = 0; r < rounds; r++) {
    const minute = 1440 + r;
    const before = storage.stats().metrics!.written.journal;
    // As the metrics plugin's HistoryPersister: the whole batch in one turn, so it shares one commit.
    await Promise.all([
      view.set('raw', `node-1:${minute % 60}:0`, block('raw', minute * 60, 60, 1)),
      view.set('minute', `node-1:${minute % 1440}:0`, block('minute', minute, 1, 3)),
      view.set(
        'hour',
        `node-1:${Math.floor(minute / 60) % 720}:0`,
        block('hour', Math.floor(minute / 60), 1, 3),
      ),
    ]);
    written += storage.stats().metrics!.written.journal - before;
    changed +=
      (await recordBytes(view, 'raw', `node-1:${minute % 60}:0`)) +
      (await recordBytes(view, 'minute', `node-1:${minute % 1440}:0`)) +
      (await recordBytes(view, 'hour', `node-1:${Math.floor(minute / 60) % 720}:0`));
  }
  report({
    name: 'metrics minute-batch: bytes written',
    value: written / rounds,
    unit: 'B',
    baseline: { name: 'bytes of the 3 records it changes', value: changed / rounds },
  });
  console.log(
    `    (before the journal, each batch rewrote the whole namespace: ${(size / 1e6).toFixed(1)} MB)`,
  );
}

async function auditAppend(storage: Storage): Promise<void> {
  const entry = (seq: number) => ({
    seq,
    time: new Date(1_700_000_000_000 + seq * 1000).toISOString(),
    actor: `user-${seq % 50}`,
    action: 'security.login.succeeded',
    outcome: 'success',
    target: `session-${seq}`,
    source: '10.203.7.11',
    details: { method: 'password', userAgent: 'omega-cli/0.1.0' },
    prev: randomBytes(32).toString('hex'),
    hash: randomBytes(32).toString('hex'),
  });
  const id = (seq: number) => String(seq).padStart(12, '0');
  const N = 50_000;
  const ops: TransactionOp[] = [];
  for (let s = 1; s <= N; s++) ops.push({ op: 'set', collection: 'audit', id: id(s), value: entry(s) });
  await setAll(storage, 'security', ops);
  await storage.set('security', 'meta', 'audit-head', { seq: N, hash: 'x'.repeat(64) });
  await storage.compact('security');
  const view = storage.namespace('security');
  const size = storage.stats().security!.bytes;
  const rounds = 200;
  let written = 0;
  let changed = 0;
  for (let s = N + 1; s <= N + rounds; s++) {
    const before = storage.stats().security!.written.journal;
    const e = entry(s);
    await view.set('audit', id(s), e, { expectedVersion: 0 });
    await view.set('meta', 'audit-head', { seq: s, hash: e.hash });
    written += storage.stats().security!.written.journal - before;
    changed += (await recordBytes(view, 'audit', id(s))) + (await recordBytes(view, 'meta', 'audit-head'));
  }
  report({
    name: 'audit append (entry + chain head): bytes written',
    value: written / rounds,
    unit: 'B',
    baseline: { name: 'bytes of the 2 records it changes', value: changed / rounds },
  });
  console.log(
    `    (before the journal, each append rewrote the whole namespace twice: 2 × ${(size / 1e6).toFixed(1)} MB)`,
  );
}

const dir = await mkdtemp(join(tmpdir(), 'omega-bench-batches-'));
const storage = await openStorage({ dataDir: dir, logger });
try {
  await metricsBatch(storage);
  await auditAppend(storage);
} finally {
  await storage.close();
  await rm(dir, { recursive: true, force: true });
}
