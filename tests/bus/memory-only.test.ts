import { describe, expect, it } from 'vitest';
import { openKernelBus } from '../../kernel/boot/open-kernel-bus.js';
import { type BusEvent, createEventBus, DURABLE_ROOTS } from '../../kernel/bus/index.js';
import { parseConfig } from '../../kernel/config/index.js';
import { createLogger } from '../../kernel/log/index.js';
import { openStorage } from '../../kernel/storage/index.js';
import { busOptions, until } from './helpers.js';
import {
  type PersistentBus,
  persistentBus as persistentBusIn,
  reopen,
  tempDir as tempDirIn,
  useCleanups,
} from './persistent-bus.js';

const quiet = createLogger({ level: 'silent' });
const cleanups = useCleanups();
const base = busOptions;

/** A bus over a real event log in `dir`, refilled from what the log holds, `metrics.sample` memory-only. */
const persistentBus = (dir: string) => persistentBusIn(dir, { memoryOnly: ['metrics.sample'] });
/** Stops `first` cleanly and opens the same directory again (`metrics.sample` memory-only), closed after the test. */
const restart = (dir: string, first: PersistentBus) =>
  reopen(dir, first, cleanups, { memoryOnly: ['metrics.sample'] });
const tempDir = () => tempDirIn(cleanups, 'omega-bus-mem-');
const topicsOf = (events: readonly BusEvent[]) => events.map((e) => e.topic);

describe('memory-only topics', () => {
  it('are replayed and delivered live, but never reach the event log; the others and audit events do', async () => {
    const dir = tempDir();
    const first = await persistentBus(dir);
    const got: BusEvent[] = [];
    first.bus.subscribe(['**'], (batch) => {
      got.push(...batch);
    });
    // Brackets and quotes in the data: what the client receives is the data, not the log line.
    first.bus.publish('metrics.sample', { node: 'n1', at: 1, values: { 'cpu.busy{cpu="0"}': 0.5 } });
    first.bus.publish('metrics.alert.firing', { id: 'a1' });
    first.bus.publish('metrics.sample', { node: 'n1', at: 2, values: {} });
    await first.bus.publishDurable('audit.metrics.rule-created', { actor: 'u1' });
    first.bus.publish('security.authz.denied', { path: '/x' });
    const expected = [
      'metrics.sample',
      'metrics.alert.firing',
      'metrics.sample',
      'audit.metrics.rule-created',
      'security.authz.denied',
    ];
    await until(() => got.length === 5);
    expect(topicsOf(got)).toEqual(expected);
    // A client resuming within the running kernel gets every event it missed, samples included.
    expect(topicsOf(first.bus.replay(0) as BusEvent[])).toEqual(expected);
    expect(topicsOf(first.bus.replay(1, ['metrics.sample']) as BusEvent[])).toEqual(['metrics.sample']);

    const second = await restart(dir, first);
    expect(topicsOf(second.onDisk)).toEqual([
      'metrics.alert.firing',
      'audit.metrics.rule-created',
      'security.authz.denied',
    ]);
    expect(second.onDisk.map((e) => e.seq)).toEqual([2, 4, 5]);
    // The seqs continue after the clean stop; the samples are gone, the rest is replayed.
    expect(second.bus.publish('metrics.sample', { at: 3 }).seq).toBe(6);
    expect((second.bus.replay(1) as BusEvent[]).map((e) => e.seq)).toEqual([2, 4, 5, 6]);
  });

  it("the kernel's bus keeps metrics.sample out of its event log, and audit and plugin events in it", async () => {
    const dataDir = tempDir();
    const config = parseConfig({
      port: 0,
      dataDir,
      auth: { adminToken: 'memory-only-test-token-0123456789' },
    });
    const open = async () => {
      const storage = await openStorage({ dataDir, logger: quiet });
      return { storage, bus: await openKernelBus(config, storage, quiet) };
    };
    const first = await open();
    first.bus.publish('metrics.sample', { node: 'n1', at: 1, values: {} });
    first.bus.publish('audit.metrics.rule-created', { actor: 'u1' });
    first.bus.publish('plugins.plugin.running', { name: 'metrics' });
    first.bus.publish('metrics.sample', { node: 'n1', at: 2, values: {} });
    expect(topicsOf(first.bus.replay(0) as BusEvent[])).toContain('metrics.sample');
    first.bus.close();
    await first.storage.close();
    const second = await open();
    cleanups.push(
      () => second.storage.close(),
      () => second.bus.close(),
    );
    // Seq 1 was a sample, gone with the restart: a resume from 0 must resync, from 1 it gets the rest.
    expect(second.bus.replay(0)).toBe('too-old');
    expect(topicsOf(second.bus.replay(1) as BusEvent[])).toEqual([
      'audit.metrics.rule-created',
      'plugins.plugin.running',
    ]);
    expect(second.bus.lastSeq).toBe(4);
  });

  it('a resume from inside memory-only events lost by a restart is told to resync', async () => {
    const dir = tempDir();
    const first = await persistentBus(dir);
    first.bus.publish('metrics.alert.firing', { id: 'a1' });
    first.bus.publish('metrics.sample', { at: 1 });
    first.bus.publish('metrics.sample', { at: 2 });
    const second = await restart(dir, first);
    expect(second.bus.lastSeq).toBe(3);
    expect(second.bus.replay(2)).toBe('too-old');
    expect(second.bus.replay(3)).toEqual([]);
  });

  it('a durable publish on a memory-only topic still reaches the log', async () => {
    const dir = tempDir();
    const first = await persistentBus(dir);
    await first.bus.publishDurable('metrics.sample', { at: 1 });
    const second = await restart(dir, first);
    expect(topicsOf(second.onDisk)).toEqual(['metrics.sample']);
  });

  it.each([
    ...DURABLE_ROOTS.map((root) => `${root}.**`),
    'audit.metrics.rule-created',
    'security.*',
    '**',
    '*.sample',
  ])('refuses a memory-only pattern that could cover audit or security events: %s', (pattern) => {
    expect(() => createEventBus(base({ memoryOnly: [pattern] }))).toThrow(
      expect.objectContaining({ code: 'OMEGA_ERR_CONFIG_INVALID' }),
    );
  });

  it('refuses an invalid memory-only pattern', () => {
    expect(() => createEventBus(base({ memoryOnly: ['metrics..sample'] }))).toThrow(
      expect.objectContaining({ code: 'OMEGA_ERR_TOPIC_INVALID' }),
    );
  });
});
