/**
 * Crash-test child: `node --import tsx tests/storage/crash-writer.ts <dataDir>`.
 * Runs concurrent writers over three namespaces and prints `ack <ns> <id> <version>` for
 * each acknowledged write (stdout to a pipe is synchronous on Linux, so a printed line
 * means the ack happened). Also keeps an ephemeral store busy. Runs until killed.
 */
import { createLogger } from '../../kernel/log/index.js';
import { openStorage } from '../../kernel/storage/index.js';

const dataDir = process.argv[2];
if (!dataDir) throw new Error('usage: crash-writer.ts <dataDir>');

const storage = await openStorage({ dataDir, logger: createLogger({ level: 'silent' }) });
const samples = storage.ephemeral('crash', 'samples', { flushIntervalMs: 5 });
const namespaces = ['alpha', 'beta', 'gamma'];
const WORKERS = 24;

async function worker(w: number): Promise<never> {
  const ns = namespaces[w % namespaces.length]!;
  for (let n = 0; ; n++) {
    const id = `w${w}-${n % 20}`;
    const rec = await storage.set(ns, 'c', id, { w, n, pad: 'x'.repeat(n % 200) });
    process.stdout.write(`ack ${ns} ${id} ${rec.version}\n`);
    samples.set(`w${w}`, { n, at: Date.now() });
  }
}

process.stdout.write('ready\n');
await Promise.all(Array.from({ length: WORKERS }, (_, w) => worker(w)));
