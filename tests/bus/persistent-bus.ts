import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach } from 'vitest';
import { logPersistence } from '../../kernel/boot/open-kernel-bus.js';
import {
  type BusEvent,
  createEventBus,
  type EventBus,
  type EventBusOptions,
} from '../../kernel/bus/index.js';
import { createLogger } from '../../kernel/log/index.js';
import { EventLog } from '../../kernel/storage/index.js';
import { removeDir } from '../helpers/temp-kernel.js';
import { busOptions } from './helpers.js';

/** What a test opened and must close or remove; see {@link useCleanups}. */
export type Cleanups = (() => Promise<void> | void)[];

/** The calling test file's clean-up list: what a test pushes runs after it, the last pushed first. */
export function useCleanups(): Cleanups {
  const cleanups: Cleanups = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });
  return cleanups;
}

/** A fresh temp directory, removed after the test. */
export function tempDir(cleanups: Cleanups, prefix = 'omega-bus-'): string {
  const d = mkdtempSync(join(tmpdir(), prefix));
  cleanups.push(() => removeDir(d));
  return d;
}

/** A bus over a real event log, and what that log held when the bus was opened. */
export interface PersistentBus {
  bus: EventBus;
  log: EventLog;
  onDisk: BusEvent[];
}

const quiet = createLogger({ level: 'silent' });

/**
 * A bus persisting to a real event log in `dir`, refilled from what the log holds; it continues
 * after the log's clean stop, else after its last event. `extra` overrides any option.
 */
export async function persistentBus(
  dir: string,
  extra: Partial<EventBusOptions> = {},
): Promise<PersistentBus> {
  const { log, recovered } = await EventLog.open(join(dir, 'events'), { flushIntervalMs: 60_000 }, quiet);
  const onDisk = recovered.events.map((e) => ({ seq: e.seq, topic: e.topic, time: e.time, data: e.data }));
  const bus = createEventBus(
    busOptions({
      persistence: logPersistence(log),
      history: onDisk,
      startSeq: recovered.cleanStop ?? onDisk.at(-1)?.seq ?? 0,
      ...extra,
    }),
  );
  return { bus, log, onDisk };
}

/** Stops `first` cleanly (bus, then log) and opens a bus over the same directory again, closed after the test. */
export async function reopen(
  dir: string,
  first: { bus: EventBus; log: EventLog },
  cleanups: Cleanups,
  extra: Partial<EventBusOptions> = {},
): Promise<PersistentBus> {
  first.bus.close();
  await first.log.close();
  const second = await persistentBus(dir, extra);
  cleanups.push(
    () => second.log.close(),
    () => second.bus.close(),
  );
  return second;
}
