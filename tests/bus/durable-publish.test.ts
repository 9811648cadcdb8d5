import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type BusEvent, createEventBus } from '../../kernel/bus/index.js';
import { createLogger } from '../../kernel/log/index.js';
import { EventLog } from '../../kernel/storage/index.js';
import { mountSmallDisk, type SmallDisk } from '../storage/small-disk.js';
import { busOptions, turns, until } from './helpers.js';
import { persistentBus, reopen, tempDir as tempDirIn, useCleanups } from './persistent-bus.js';

const quiet = createLogger({ level: 'silent' });
const cleanups = useCleanups();
const base = busOptions;
const tempDir = () => tempDirIn(cleanups);
const seqs = (events: readonly BusEvent[]) => events.map((e) => e.seq);

describe('durable publish', () => {
  it('an event published behind a durable one waits for it, so subscribers see seq order', async () => {
    const { bus, log } = await persistentBus(tempDir());
    cleanups.push(
      () => log.close(),
      () => bus.close(),
    );
    const got: BusEvent[] = [];
    bus.subscribe(['t.*'], (batch) => {
      got.push(...batch);
    });
    const durable = bus.publishDurable('t.op', { n: 1 });
    const after = bus.publish('t.batched', { n: 2 });
    expect(after.seq).toBe(2);
    expect(bus.lastSeq).toBe(0); // nothing visible until the durable write lands
    // A subscriber joining now starts from what is visible, and gets the held events live.
    const late: BusEvent[] = [];
    bus.subscribe(['t.*'], (batch) => {
      late.push(...batch);
    });
    expect((await durable).seq).toBe(1);
    await until(() => got.length === 2 && late.length === 2);
    expect(seqs(got)).toEqual([1, 2]);
    expect(seqs(late)).toEqual([1, 2]);
    expect(bus.lastSeq).toBe(2);
  });

  it('without persistence it publishes and resolves', async () => {
    const bus = createEventBus(base());
    cleanups.push(() => bus.close());
    const e = await bus.publishDurable('t.op', 'x');
    expect(e.seq).toBe(1);
    expect(bus.replay(0)).toEqual([e]);
  });

  it('a reopened bus replays what the log kept, and refuses a since inside seqs a crash may have lost', async () => {
    const dir = tempDir();
    const first = await persistentBus(dir);
    for (let i = 0; i < 5; i++) first.bus.publish('t.x', { i });
    await first.bus.publishDurable('t.op', 'last');
    // A crash: no close. The events up to the durable one are on disk.
    await first.log.flush();
    const second = await persistentBus(dir, { startSeq: 1000 });
    cleanups.push(
      () => second.log.close(),
      () => second.bus.close(),
    );
    expect(seqs(second.bus.replay(2) as BusEvent[])).toEqual([3, 4, 5, 6]);
    expect(second.bus.replay(7)).toBe('too-old'); // between the last on disk and the restart ceiling
    const next = second.bus.publish('t.x', 'new');
    expect(next.seq).toBe(1001);
    expect(seqs(second.bus.replay(6) as BusEvent[])).toEqual([1001]);
    await first.log.close();
  });

  it('after a clean close the next bus continues right after the last seq, without a gap', async () => {
    const dir = tempDir();
    const first = await persistentBus(dir);
    for (let i = 0; i < 3; i++) first.bus.publish('t.x', { i });
    const second = await reopen(dir, first, cleanups);
    expect(second.bus.lastSeq).toBe(3);
    expect(second.bus.publish('t.x', 'next').seq).toBe(4);
    expect(seqs(second.bus.replay(0) as BusEvent[])).toEqual([1, 2, 3, 4]);
  });

  it('a durable publish that cannot be written is never seen, its seq stays unused, later events flow', async (ctx) => {
    const mounted = mountSmallDisk(1024);
    if (typeof mounted === 'string') return ctx.skip(mounted);
    const disk: SmallDisk = mounted;
    cleanups.push(() => disk.unmount());
    const { bus, log } = await persistentBus(disk.dir);
    cleanups.push(
      () => log.close().catch(() => {}),
      () => bus.close(),
    );
    const got: BusEvent[] = [];
    bus.subscribe(['t.*'], (batch) => {
      got.push(...batch);
    });
    await bus.publishDurable('t.op', 'before');
    disk.fill();
    const failing = bus.publishDurable('t.op', { big: 'x'.repeat(200_000) });
    const behind = bus.publish('t.batched', 'behind');
    await expect(failing).rejects.toMatchObject({ code: 'OMEGA_ERR_STORAGE_FULL' });
    await until(() => got.length === 2);
    await turns();
    expect(got.map((e) => [e.seq, e.data])).toEqual([
      [1, 'before'],
      [3, 'behind'],
    ]);
    expect(seqs(bus.replay(0) as BusEvent[])).toEqual([1, 3]);
    disk.free();
    await bus.publishDurable('t.op', 'after');
    const reread = await EventLog.open(join(disk.dir, 'events'), {}, quiet);
    await reread.log.close();
    expect(reread.recovered.events.map((e) => e.seq)).toEqual([1, 3, 4]);
    expect(behind.seq).toBe(3);
  });
});
