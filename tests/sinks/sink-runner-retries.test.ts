import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { type BusEvent, createEventBus } from '../../kernel/bus/index.js';
import { createLogger } from '../../kernel/log/index.js';
import { startSinkRunner } from '../../kernel/sinks/sink-runner.js';
import { openStorage } from '../../kernel/storage/index.js';

/*
 * A long outage: a receiver that fails many times in a row. Each retry waits (abortable by
 * close()); the waits must not pile listeners onto the runner's abort signal — one per retry
 * for the whole outage, which Node reports as a possible leak past ten.
 */
it('retries a receiver through a long outage without piling up abort listeners', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'omega-sink-retries-'));
  const storage = await openStorage({ dataDir: dir, logger: createLogger({ level: 'silent' }) });
  const bus = createEventBus({ replayMaxEvents: 100, replayMaxAgeMs: 60_000, subscriberQueueMax: 100 });
  const warnings: string[] = [];
  const onWarning = (w: Error) => warnings.push(`${w.name}: ${w.message}`);
  process.on('warning', onWarning);
  const FAILURES = 25;
  let attempts = 0;
  const delivered: BusEvent[] = [];
  const runner = await startSinkRunner({
    config: {
      type: 'syslog',
      name: 'flaky',
      topics: ['ops.**'],
      queueMax: 100,
      address: 'udp://127.0.0.1:9',
      facility: 'auth',
      appName: 'omega',
    },
    target: 'udp://127.0.0.1:9',
    transport: {
      batchMax: 10,
      async deliver(events) {
        attempts++;
        if (attempts <= FAILURES) throw new Error(`down (attempt ${attempts})`);
        delivered.push(...events);
      },
      close: () => Promise.resolve(),
    },
    bus,
    store: storage.namespace('kernel'),
    logger: createLogger({ level: 'silent' }),
    backoff: { minMs: 1, maxMs: 2 },
  });
  try {
    bus.publish('ops.one', { n: 1 });
    await expect.poll(() => delivered.map((e) => e.topic), { timeout: 20_000 }).toEqual(['ops.one']);
    expect(runner.status()).toMatchObject({ delivered: 1, failures: FAILURES });
    await new Promise((r) => setImmediate(r));
    expect(warnings.filter((w) => /MaxListeners|memory leak/i.test(w))).toEqual([]);
  } finally {
    process.off('warning', onWarning);
    await runner.close();
    bus.close();
    await storage.close();
    await rm(dir, { recursive: true, force: true });
  }
});
