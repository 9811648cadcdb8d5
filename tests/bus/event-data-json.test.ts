import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { logPersistence } from '../../kernel/boot/open-kernel-bus.js';
import { type BusEvent, createEventBus, type EventBus, eventDataJson } from '../../kernel/bus/index.js';
import { createLogger } from '../../kernel/log/index.js';
import { eventCallPayloads } from '../../kernel/sandbox/event-call-payloads.js';
import { EventLog } from '../../kernel/storage/index.js';
import { eventFrame } from '../../kernel/ws/event-frames.js';
import { removeDir } from '../helpers/temp-kernel.js';
import { busOptions, turns } from './helpers.js';

const quiet = createLogger({ level: 'silent' });
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const options = busOptions();

/** A bus over a real event log in a temp dir (what the kernel runs). */
async function persistentBus(): Promise<{ bus: EventBus; log: EventLog; dir: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'omega-event-json-'));
  const { log } = await EventLog.open(join(dir, 'events'), { flushIntervalMs: 60_000 }, quiet);
  const bus = createEventBus({ ...options, persistence: logPersistence(log) });
  cleanups.push(async () => {
    bus.close();
    await log.close();
    await removeDir(dir);
  });
  return { bus, log, dir };
}

/** Data that exercises JSON's corners: escapes, unicode, nesting, numbers, null, dropped undefined. */
const DATA: unknown[] = [
  { node: 'n1', samples: [{ name: 'cpu.busy', labels: { cpu: '0' }, value: 0.125 }], values: { a: 1e-7 } },
  {
    text: 'quote " backslash \\ newline \n tab \t nul \u0000 é 🚀 \u2028',
    n: -0,
    big: 1.7976931348623157e308,
  },
  [1, 'two', null, { three: [3] }],
  'a string',
  42,
  null,
  { kept: 1, dropped: undefined },
];

describe('an event is serialised once and shared by every sender', () => {
  it('the WebSocket frame and the plugin payload are byte for byte what a fresh JSON.stringify gives', async () => {
    const { bus } = await persistentBus();
    for (const data of DATA) {
      const e = bus.publish('test.json', data);
      const { seq, topic, time } = e;
      expect(eventFrame(e).toString()).toBe(JSON.stringify({ type: 'event', seq, topic, time, data }));
      const { payloads } = eventCallPayloads(7, [e], 1_000_000);
      expect(payloads).toEqual([`{"sub":7,"events":[${JSON.stringify({ seq, topic, time, data })}]}`]);
    }
  });

  it('the data JSON written to the event log is the text the frames carry', async () => {
    const { bus, log, dir } = await persistentBus();
    const events = DATA.map((d) => bus.publish('test.json', d));
    await log.flush();
    const onDisk = readdirSync(join(dir, 'events'))
      .map((f) => readFileSync(join(dir, 'events', f), 'latin1'))
      .join('');
    for (const e of events) {
      const json = eventDataJson(e);
      expect(json).toBe(JSON.stringify(e.data));
      // The log line is UTF-8: compare its bytes as latin1 text.
      const line = `{"seq":${e.seq},"topic":"test.json","time":${e.time},"data":${json}}`;
      expect(onDisk).toContain(Buffer.from(line).toString('latin1'));
    }
  });

  it('a live event reaching the log, a WebSocket client and a plugin is serialised once', async () => {
    const { bus } = await persistentBus();
    let serialised = 0;
    const data = {
      toJSON() {
        serialised++;
        return { v: 1 };
      },
    };
    const seen: BusEvent[] = [];
    bus.subscribe(['test.*'], (batch) => {
      for (const e of batch) {
        seen.push(e);
        eventFrame(e);
        eventCallPayloads(1, [e], 1_000_000);
        eventCallPayloads(2, [e], 1_000_000);
      }
    });
    bus.publish('test.once', data);
    await turns();
    expect(seen).toHaveLength(1);
    expect(eventFrame(seen[0]!).toString()).toContain('"data":{"v":1}}');
    expect(serialised).toBe(1);
  });

  it('without persistence: measured at publish and reused, or made on first use when the size is given', async () => {
    const bus = createEventBus(options);
    cleanups.push(() => bus.close());
    let serialised = 0;
    const data = {
      toJSON() {
        serialised++;
        return [1];
      },
    };
    const measured = bus.publish('test.measured', data);
    expect(serialised).toBe(1);
    const sized = bus.publish('test.sized', data, { bytes: 3 });
    expect(serialised).toBe(1);
    for (const e of [measured, sized]) {
      expect(eventDataJson(e)).toBe('[1]');
      expect(eventFrame(e).toString()).toBe(
        JSON.stringify({ type: 'event', seq: e.seq, topic: e.topic, time: e.time, data: [1] }),
      );
    }
    expect(serialised).toBe(2);
    const big = bus.publish('test.bigint', { n: 1n });
    expect(eventDataJson(big)).toBeUndefined();
    expect(JSON.parse(eventFrame(big).toString())).toEqual({
      type: 'event',
      seq: big.seq,
      topic: 'test.bigint',
      time: big.time,
      data: null,
      dataError: true,
    });
    expect(eventCallPayloads(1, [big], 1_000_000)).toEqual({ payloads: [], oversized: 1 });
  });
});
