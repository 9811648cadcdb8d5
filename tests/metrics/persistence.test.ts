import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../kernel/log/index.js';
import type { Storage } from '../../kernel/storage/index.js';
import { base64ToBytes, bytesToBase64 } from '../../plugins/metrics/src/persist/base64.js';
import { HistoryPersister } from '../../plugins/metrics/src/persist/history-persister.js';
import type { PluginStorage } from '../../plugins/metrics/src/persist/plugin-storage.js';
import { MetricStore } from '../../plugins/metrics/src/store/metric-store.js';
import { AVG } from '../../plugins/metrics/src/store/tiers.js';
import { removeDir } from '../helpers/temp-kernel.js';
import { metricsStorageAt } from './metrics-storage.js';

const T0 = Date.UTC(2025, 0, 1, 10, 0, 0);
const logger = createLogger({ level: 'silent' });
const dirs: string[] = [];
const opened: Storage[] = [];

const storageAt = (dir: string): Promise<PluginStorage> => metricsStorageAt(dir, logger, opened);

/** Records `seconds` of samples: load.1 = second index; disk series from second 30 on. */
function run(store: MetricStore, p: HistoryPersister, seconds: number): void {
  for (let s = 0; s < seconds; s++) {
    const at = T0 + s * 1000 + 20;
    const samples = [{ name: 'load.1', labels: {}, value: s }];
    if (s >= 30) samples.push({ name: 'disk.reads', labels: { device: 'vda' }, value: -s } as never);
    store.record('n1', at, samples);
    p.afterSample('n1', at);
  }
}

afterEach(async () => {
  for (const s of opened.splice(0)) await s.close();
  for (const d of dirs.splice(0)) removeDir(d);
});

describe('base64', () => {
  it('matches Node’s encoder and round-trips every length', () => {
    for (let n = 0; n < 40; n++) {
      const bytes = new Uint8Array(n).map((_, i) => (i * 37 + n * 11) & 0xff);
      const text = bytesToBase64(bytes);
      expect(text).toBe(Buffer.from(bytes).toString('base64'));
      expect(base64ToBytes(text)).toEqual(bytes);
    }
    expect(base64ToBytes('ab$d')).toBeNull();
  });
});

describe('history persistence (real kernel storage on disk)', () => {
  it('after a crash keeps every finished minute and loses only the minute in progress', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'omega-metrics-persist-'));
    dirs.push(dir);
    const store = new MetricStore();
    const p = new HistoryPersister(await storageAt(dir), store);
    run(store, p, 150);
    await p.idle();
    expect(p.stats).toEqual({ batches: 2, failures: 0 });
    // Crash: the in-memory history is gone; only what the batches wrote is on disk.
    for (const s of opened.splice(0)) await s.close();

    const restored = new MetricStore();
    const report = await new HistoryPersister(await storageAt(dir), restored).restore(T0 + 150_000);
    expect(report).toMatchObject({ series: 2, malformed: 0 });
    const load = restored.get('load.1{node="n1"}')!.history;
    const disk = restored.get('disk.reads{node="n1",device="vda"}')!.history;
    const sec = T0 / 1000;
    expect(load.tiers[0].get(sec)).toBe(0);
    expect(load.tiers[0].get(sec + 119)).toBe(119);
    expect(load.tiers[0].get(sec + 120)).toBeNaN(); // the minute in progress was lost
    expect(disk.tiers[0].get(sec + 29)).toBeNaN(); // absent before the series existed
    expect(disk.tiers[0].get(sec + 30)).toBe(-30);
    expect(load.tiers[1].get(T0 / 60_000 + 1, AVG)).toBe(89.5);
    expect(load.tiers[2].get(T0 / 3_600_000, AVG)).toBe((29.5 + 89.5) / 2);
  });

  it('a graceful stop writes the minute in progress too', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'omega-metrics-persist-'));
    dirs.push(dir);
    const store = new MetricStore();
    const p = new HistoryPersister(await storageAt(dir), store);
    run(store, p, 150);
    await p.flushNow();
    for (const s of opened.splice(0)) await s.close();
    const restored = new MetricStore();
    await new HistoryPersister(await storageAt(dir), restored).restore(T0 + 150_000);
    expect(restored.get('load.1{node="n1"}')!.history.tiers[0].get(T0 / 1000 + 149)).toBe(149);
  });

  it('skips blocks older than each tier’s window on restore', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'omega-metrics-persist-'));
    dirs.push(dir);
    const store = new MetricStore();
    const p = new HistoryPersister(await storageAt(dir), store);
    run(store, p, 90);
    await p.flushNow();
    const restored = new MetricStore();
    await new HistoryPersister(await storageAt(dir), restored).restore(T0 + 2 * 3_600_000);
    const h = restored.get('load.1{node="n1"}')!.history;
    expect(h.tiers[0].head).toBe(Number.NEGATIVE_INFINITY); // raw: older than an hour
    expect(h.tiers[1].get(T0 / 60_000, AVG)).toBe(29.5); // minute: within the day
  });
});
