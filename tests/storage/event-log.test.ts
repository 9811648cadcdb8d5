import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EventLog, type EventLogOptions } from '../../kernel/storage/index.js';
import { until } from '../bus/helpers.js';
import { parseFrames } from './read-store-files.js';
import { quietLogger, rejection, removeDir, tempDataDir } from './storage-fixture.js';

let dir: string;
let eventsDir: string;
const open = (opts: EventLogOptions = {}) => EventLog.open(eventsDir, opts, quietLogger);
const line = (seq: number, data: unknown = { seq }) =>
  `{"seq":${seq},"topic":"t.x","time":${1_700_000_000_000 + seq},"data":${JSON.stringify(data)}}`;

/** Lines in the log's files, read independently of kernel/storage. */
async function linesOnDisk(): Promise<string[]> {
  const names = (await readdir(eventsDir)).sort((a, b) => Number.parseInt(a, 10) - Number.parseInt(b, 10));
  const out: string[] = [];
  for (const n of names)
    for (const f of parseFrames(await readFile(join(eventsDir, n))).frames) out.push(...f.lines);
  return out;
}

beforeEach(async () => {
  dir = await tempDataDir();
  eventsDir = join(dir, 'events');
});
afterEach(async () => {
  await removeDir(dir);
});

describe('event log', () => {
  it('a durable append is on disk when it resolves, and carries the batched lines before it', async () => {
    const { log, recovered } = await open({ flushIntervalMs: 60_000 });
    expect(recovered).toEqual({ events: [], cleanStop: null });
    expect(log.append(1, line(1), false)).toBeUndefined();
    expect(log.append(2, line(2), false)).toBeUndefined();
    expect(await linesOnDisk()).toEqual([]); // batched: not yet (the interval is long)
    await log.append(3, line(3), true);
    expect(await linesOnDisk()).toEqual([line(1), line(2), line(3)]);
    await log.close();
  });

  it('batched lines reach the disk on their own within the flush interval', async () => {
    const { log } = await open({ flushIntervalMs: 10 });
    for (let i = 1; i <= 5; i++) log.append(i, line(i), false);
    await until(() => log.stats().pending === 0 && log.stats().bytes > 0, 1_000_000);
    expect(await linesOnDisk()).toEqual([1, 2, 3, 4, 5].map((i) => line(i)));
    await log.close();
  });

  it('reads back its events, and knows a clean stop from a crash', async () => {
    let { log } = await open();
    for (let i = 1; i <= 3; i++) log.append(i, line(i, { i }), false);
    log.stoppedAt(7);
    await log.close();
    let r = await open();
    expect(r.recovered.cleanStop).toBe(7);
    expect(r.recovered.events.map((e) => [e.seq, e.topic, e.data])).toEqual([
      [1, 't.x', { i: 1 }],
      [2, 't.x', { i: 2 }],
      [3, 't.x', { i: 3 }],
    ]);
    // Once reopened and marked, the old marker no longer counts: a crash now is a crash.
    await r.log.mark('{"opened":"now"}');
    await r.log.append(8, line(8), true);
    await r.log.flush();
    r = await open(); // no close: as after a kill -9
    expect(r.recovered.cleanStop).toBeNull();
    expect(r.recovered.events.map((e) => e.seq)).toEqual([1, 2, 3, 8]);
    ({ log } = r);
    await log.close();
  });

  it('rotates segments and deletes the ones whose events all left the window', async () => {
    const { log } = await open({ segmentBytes: 2000, flushIntervalMs: 60_000 });
    for (let i = 1; i <= 100; i++) await log.append(i, line(i, 'x'.repeat(100)), true);
    const before = (await readdir(eventsDir)).length;
    expect(before).toBeGreaterThan(3);
    log.retainFrom(90);
    await log.append(101, line(101), true); // deletion happens after a write…
    await log.flush(); // …and is done when the write is
    const files = await readdir(eventsDir);
    expect(files.length).toBeLessThan(before);
    const kept = (await linesOnDisk()).map((l) => JSON.parse(l).seq as number);
    expect(kept.at(-1)).toBe(101);
    expect(kept[0]).toBeLessThanOrEqual(90); // nothing still in the window was deleted
    expect(kept).toEqual(Array.from({ length: kept.length }, (_, i) => kept[0]! + i));
    await log.close();
    const again = await open();
    expect(again.recovered.events.map((e) => e.seq)).toEqual(kept);
    await again.log.close();
  });

  it('drops a torn tail, and refuses damage in the middle naming the file', async () => {
    const { log } = await open();
    for (let i = 1; i <= 3; i++) await log.append(i, line(i), true);
    await log.close();
    const file = join(eventsDir, '1.journal');
    const all = await readFile(file);
    const bytes = all.subarray(0, parseFrames(all).end); // the frames, without the zeros preallocated after them
    await writeFile(file, bytes.subarray(0, bytes.length - 5));
    const torn = await open();
    expect(torn.recovered.events.map((e) => e.seq)).toEqual([1, 2]);
    await torn.log.append(4, line(4), true);
    await torn.log.close();
    const damaged = await readFile(file);
    damaged[25] = damaged[25]! ^ 0xff;
    await writeFile(file, damaged);
    const err = await rejection(() => open());
    expect(err.code).toBe('OMEGA_ERR_STORAGE_CORRUPT');
    expect(err.message).toContain(file);
  });

  it('after close, a durable append is refused and a batched one ignored', async () => {
    const { log } = await open();
    await log.close();
    expect((await rejection(() => log.append(1, line(1), true)!)).code).toBe('OMEGA_ERR_STORAGE_CLOSED');
    expect(log.append(2, line(2), false)).toBeUndefined();
  });
});
