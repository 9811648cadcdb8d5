/**
 * Crash-test child: `node --import tsx tests/storage/crash-writer.ts <dataDir> [<step> <nth>]`.
 * Runs concurrent writers (single sets and two-record transactions) over three namespaces
 * and prints `ack <ns> <id> <version>` for each acknowledged write (stdout to a pipe is
 * synchronous on Linux, so a printed line means the ack happened). Journals are compacted
 * often (tiny thresholds), and every compaction step is printed as `step <ns> <step>`.
 * With `<step> <nth>`, the process SIGKILLs itself the `nth` time a compaction reaches that
 * step, so the test covers a kill at every point of a compaction. Runs until killed.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createLogger } from '../../kernel/log/index.js';
import { openStorage } from '../../kernel/storage/index.js';

const [dataDir, killStep, killNth] = process.argv.slice(2);
if (!dataDir) throw new Error('usage: crash-writer.ts <dataDir> [<step> <nth>]');
let seen = 0;

const storage = await openStorage({
  dataDir,
  logger: createLogger({ level: 'silent' }),
  compaction: { minJournalBytes: 32 * 1024, journalRatio: 0.5 },
  onCompactionStep: (ns, step) => {
    process.stdout.write(`step ${ns} ${step}\n`);
    if (step === killStep && ++seen === Number(killNth)) {
      // Where it died, in a file: the last stdout line may not reach the parent before the kill.
      writeFileSync(join(dataDir, 'killed-at'), `${ns} ${step} ${seen}`);
      process.kill(process.pid, 'SIGKILL');
    }
  },
});
const samples = storage.ephemeral('crash', 'samples', { flushIntervalMs: 5 });
const namespaces = ['alpha', 'beta', 'gamma'];
const WORKERS = 24;

async function worker(w: number): Promise<never> {
  const ns = namespaces[w % namespaces.length]!;
  for (let n = 0; ; n++) {
    const id = `w${w}-${n % 20}`;
    if (w % 4 === 3) {
      // A transaction: the record and its index entry, both or neither.
      const [rec, idx] = await storage.transaction(ns, [
        { op: 'set', collection: 'c', id, value: { w, n, pad: 'x'.repeat(n % 200) } },
        { op: 'set', collection: 'idx', id, value: { n } },
      ]);
      if (rec?.op === 'set' && idx?.op === 'set') {
        process.stdout.write(`ack ${ns} ${id} ${rec.record.version}\nidx ${ns} ${id} ${n}\n`);
      }
    } else {
      const rec = await storage.set(ns, 'c', id, { w, n, pad: 'x'.repeat(n % 200) });
      process.stdout.write(`ack ${ns} ${id} ${rec.version}\n`);
    }
    samples.set(`w${w}`, { n, at: Date.now() });
  }
}

process.stdout.write('ready\n');
await Promise.all(Array.from({ length: WORKERS }, (_, w) => worker(w)));
