import { describe, expect, it } from 'vitest';
import {
  type BusEvent,
  createEventBus,
  type EventBusOptions,
  type ResyncInfo,
} from '../../kernel/bus/index.js';
import { hasErrorCode } from '../../kernel/errors/index.js';
import { memoryLogger, turns, until } from './helpers.js';

const base = (extra: Partial<EventBusOptions> = {}): EventBusOptions => ({
  replayMaxEvents: 100,
  replayMaxAgeMs: 60_000,
  subscriberQueueMax: 50,
  logger: memoryLogger().logger,
  ...extra,
});
const seqs = (events: readonly BusEvent[]): number[] => events.map((e) => e.seq);

describe('publish', () => {
  it('assigns strictly increasing seqs from startSeq + 1 and the injected time', () => {
    let t = 1_000;
    const bus = createEventBus(base({ startSeq: 41, now: () => t++ }));
    expect(bus.lastSeq).toBe(41);
    const a = bus.publish('a.b', 1);
    const b = bus.publish('a.c', 2);
    expect([a.seq, b.seq]).toEqual([42, 43]);
    expect([a.time, b.time]).toEqual([1000, 1001]);
    expect(bus.lastSeq).toBe(43);
    expect(Object.isFrozen(a)).toBe(true);
    bus.close();
  });

  it('rejects an invalid topic without consuming a seq', () => {
    const bus = createEventBus(base());
    let caught: unknown;
    try {
      bus.publish('Bad.Topic', {});
    } catch (err) {
      caught = err;
    }
    expect(hasErrorCode(caught, 'OMEGA_ERR_TOPIC_INVALID')).toBe(true);
    expect(bus.publish('ok', {}).seq).toBe(1);
    bus.close();
  });

  it('throws OMEGA_ERR_UNAVAILABLE after close', () => {
    const bus = createEventBus(base());
    bus.close();
    expect(() => bus.publish('a', 1)).toThrow(expect.objectContaining({ code: 'OMEGA_ERR_UNAVAILABLE' }));
  });
});

describe('replay window', () => {
  it('is bounded by count (oldest dropped)', () => {
    const bus = createEventBus(base({ replayMaxEvents: 5 }));
    for (let i = 0; i < 12; i++) bus.publish('t', i);
    expect(seqs(bus.replay(7) as BusEvent[])).toEqual([8, 9, 10, 11, 12]);
    expect(bus.replay(6)).toBe('too-old');
    expect(bus.replay(12)).toEqual([]);
    bus.close();
  });

  it('is bounded by age (injected clock)', () => {
    let t = 0;
    const bus = createEventBus(base({ replayMaxAgeMs: 1_000, now: () => t }));
    bus.publish('t', 'old'); // seq 1 at t=0
    t = 600;
    bus.publish('t', 'mid'); // seq 2 at t=600
    t = 1_200;
    expect(seqs(bus.replay(1) as BusEvent[])).toEqual([2]);
    expect(bus.replay(0)).toBe('too-old');
    t = 5_000;
    expect(bus.replay(1)).toBe('too-old');
    expect(bus.replay(2)).toEqual([]); // since === lastSeq is never too old
    bus.close();
  });

  it('filters by patterns and treats a future since as too-old', () => {
    const bus = createEventBus(base());
    bus.publish('nodes.n1.updated', 1);
    bus.publish('jobs.j1.created', 2);
    bus.publish('nodes.n2.updated', 3);
    expect(seqs(bus.replay(0, ['nodes.**']) as BusEvent[])).toEqual([1, 3]);
    expect(bus.replay(99)).toBe('too-old');
    expect(() => bus.replay(-1)).toThrow(expect.objectContaining({ code: 'OMEGA_ERR_VALIDATION' }));
    bus.close();
  });
});

describe('subscribe', () => {
  it('delivers matching events in order, in batches, each event once even if several patterns match', async () => {
    const bus = createEventBus(base());
    const got: BusEvent[] = [];
    let calls = 0;
    bus.subscribe(['nodes.*.updated', 'nodes.**', 'nodes.n1.updated'], (batch) => {
      calls++;
      got.push(...batch);
    });
    bus.publish('nodes.n1.updated', 'a');
    bus.publish('jobs.j1.created', 'x');
    bus.publish('nodes.n2', 'b');
    expect(got).toEqual([]); // delivery is asynchronous
    await turns();
    expect(got.map((e) => e.data)).toEqual(['a', 'b']);
    expect(calls).toBe(1);
    bus.close();
  });

  it('since: replays exactly the missed events in order, then live ones, no gap, no duplicate', async () => {
    const bus = createEventBus(base());
    for (let i = 1; i <= 10; i++) bus.publish(i % 2 ? 'a.odd' : 'a.even', i);
    const got: number[] = [];
    bus.subscribe(['a.odd'], (batch) => void got.push(...seqs(batch)), { since: 4 });
    bus.publish('a.odd', 11);
    bus.publish('a.even', 12);
    bus.publish('a.odd', 13);
    await until(() => got.length >= 5);
    await turns();
    expect(got).toEqual([5, 7, 9, 11, 13]);
    bus.close();
  });

  it('since: a backlog larger than maxQueue is replayed in batches of maxQueue without overflowing', async () => {
    const bus = createEventBus(base({ replayMaxEvents: 100, subscriberQueueMax: 8 }));
    for (let i = 0; i < 30; i++) bus.publish('t', i);
    const sizes: number[] = [];
    const got: number[] = [];
    const resyncs: ResyncInfo[] = [];
    bus.subscribe(
      ['t'],
      (b) => {
        sizes.push(b.length);
        got.push(...seqs(b));
      },
      { since: 0, onResync: (i) => resyncs.push(i) },
    );
    bus.publish('t', 'live');
    await until(() => got.length === 31);
    expect(got).toEqual(Array.from({ length: 31 }, (_, i) => i + 1));
    expect(Math.max(...sizes)).toBeLessThanOrEqual(8);
    expect(resyncs).toEqual([]);
    bus.close();
  });

  it('since older than the window: onResync(too-old) and the subscription is closed', async () => {
    const bus = createEventBus(base({ replayMaxEvents: 3 }));
    for (let i = 0; i < 10; i++) bus.publish('t', i);
    const resyncs: ResyncInfo[] = [];
    let called = 0;
    const sub = bus.subscribe(['t'], () => void called++, { since: 2, onResync: (i) => resyncs.push(i) });
    bus.publish('t', 'live');
    await turns();
    expect(resyncs).toEqual([{ reason: 'too-old', lastSeq: 10 }]);
    expect(called).toBe(0);
    expect(sub.pending()).toBe(0);
    expect(bus.subscriberCount).toBe(0);
    // since === lastSeq is fine even when the window has aged out
    const ok: ResyncInfo[] = [];
    bus.subscribe(['t'], () => {}, { since: bus.lastSeq, onResync: (i) => ok.push(i) });
    await turns();
    expect(ok).toEqual([]);
    bus.close();
  });

  it('a slow subscriber overflows: cut off, queue dropped, onResync(overflow); others unaffected', async () => {
    const bus = createEventBus(base({ subscriberQueueMax: 10 }));
    let release!: () => void;
    const gate = new Promise<void>((r) => {
      release = r;
    });
    let slowBatches = 0;
    const resyncs: ResyncInfo[] = [];
    const slow = bus.subscribe(
      ['t'],
      async () => {
        slowBatches++;
        await gate;
      },
      { onResync: (i) => resyncs.push(i) },
    );
    const fast: number[] = [];
    bus.subscribe(['t'], (b) => void fast.push(...seqs(b)), { maxQueue: 5_000 });
    bus.publish('t', 0);
    await turns(); // slow now holds batch [1] and is busy
    for (let i = 0; i < 10; i++) bus.publish('t', i);
    expect(slow.pending()).toBe(10);
    expect(resyncs).toEqual([]);
    bus.publish('t', 'one too many');
    expect(slow.pending()).toBe(0); // queue dropped at once
    await turns();
    expect(resyncs).toEqual([{ reason: 'overflow', lastSeq: 12 }]);
    for (let i = 0; i < 1_000; i++) bus.publish('t', i);
    expect(slow.pending()).toBe(0); // memory stays bounded: nothing queues for it any more
    release();
    await turns(5);
    expect(slowBatches).toBe(1);
    expect(fast).toEqual(Array.from({ length: 1_012 }, (_, i) => i + 1));
    expect(bus.subscriberCount).toBe(1);
    bus.close();
  });

  it('waits for an async handler before the next batch, keeping order', async () => {
    const bus = createEventBus(base());
    const log: string[] = [];
    bus.subscribe(['t'], async (batch) => {
      log.push(`start ${seqs(batch).join(',')}`);
      await turns(2);
      log.push(`end ${seqs(batch).join(',')}`);
    });
    bus.publish('t', 1);
    await turns(1);
    bus.publish('t', 2);
    bus.publish('t', 3);
    await until(() => log.length === 4);
    expect(log).toEqual(['start 1', 'end 1', 'start 2,3', 'end 2,3']);
    bus.close();
  });

  it('a throwing or rejecting handler affects neither the publisher nor other subscribers, and is logged', async () => {
    const { logger, lines } = memoryLogger();
    const bus = createEventBus(base({ logger }));
    const good: number[] = [];
    bus.subscribe(['t'], () => {
      throw new Error('sync boom');
    });
    bus.subscribe(['t'], async () => {
      throw new Error('async boom');
    });
    bus.subscribe(['t'], (b) => void good.push(...seqs(b)));
    expect(() => bus.publish('t', 1)).not.toThrow();
    await turns();
    bus.publish('t', 2);
    await until(() => good.length === 2);
    await turns();
    expect(good).toEqual([1, 2]);
    expect(lines.filter((l) => l.includes('event handler failed'))).toHaveLength(4);
    bus.close();
  });

  it('unsubscribe stops delivery, including queued events', async () => {
    const bus = createEventBus(base());
    const got: number[] = [];
    const sub = bus.subscribe(['t'], (b) => void got.push(...seqs(b)));
    bus.publish('t', 1);
    sub.unsubscribe();
    bus.publish('t', 2);
    await turns();
    expect(got).toEqual([]);
    expect(bus.subscriberCount).toBe(0);
    bus.close();
  });

  it('rejects invalid patterns and an empty pattern list', () => {
    const bus = createEventBus(base());
    expect(() => bus.subscribe(['a.**.b'], () => {})).toThrow(
      expect.objectContaining({ code: 'OMEGA_ERR_TOPIC_INVALID' }),
    );
    expect(() => bus.subscribe([], () => {})).toThrow(
      expect.objectContaining({ code: 'OMEGA_ERR_TOPIC_INVALID' }),
    );
    bus.close();
  });

  it('close drops subscriptions and pending deliveries', async () => {
    const bus = createEventBus(base());
    let called = 0;
    bus.subscribe(['**'], () => void called++);
    bus.publish('t', 1);
    bus.close();
    await turns();
    expect(called).toBe(0);
    expect(bus.subscriberCount).toBe(0);
  });
});

describe('seqReserve', () => {
  it('reserves the first block at once and the next when half of the current one is used', async () => {
    const calls: number[] = [];
    const bus = createEventBus(
      base({ startSeq: 100, seqReserve: { blockSize: 10, reserve: async (upTo) => void calls.push(upTo) } }),
    );
    await bus.reserved();
    expect(calls).toEqual([110]);
    for (let i = 0; i < 5; i++) bus.publish('t', i); // seq 101..105: half used, not past it
    await bus.reserved();
    expect(calls).toEqual([110]);
    bus.publish('t', 'x'); // seq 106
    await bus.reserved();
    expect(calls).toEqual([110, 120]);
    for (let i = 0; i < 30; i++) {
      const { seq } = bus.publish('t', i);
      // every seq handed out is below a ceiling reserved before it was used, with room to spare
      expect(seq).toBeLessThanOrEqual(Math.max(...calls));
      await bus.reserved();
      expect(Math.max(...calls) - seq).toBeGreaterThanOrEqual(5);
    }
    expect(calls).toEqual([110, 120, 130, 140, 150]);
    expect(bus.lastSeq).toBe(136);
    bus.close();
  });

  it('keeps publishing past an unreserved ceiling, warns once, and retries a failed reservation', async () => {
    const { logger, lines } = memoryLogger();
    let fail = true;
    const calls: number[] = [];
    const bus = createEventBus(
      base({
        logger,
        seqReserve: {
          blockSize: 4,
          reserve: async (upTo) => {
            calls.push(upTo);
            if (fail) throw new Error('disk full');
          },
        },
      }),
    );
    await bus.reserved();
    expect(calls).toEqual([4]);
    for (let i = 0; i < 3; i++) bus.publish('t', i); // past ceiling 0: warned once
    await bus.reserved();
    expect(bus.lastSeq).toBe(3);
    expect(lines.filter((l) => l.includes('passed the persisted ceiling'))).toHaveLength(1);
    expect(lines.filter((l) => l.includes('reservation failed')).length).toBeGreaterThanOrEqual(1);
    fail = false;
    bus.publish('t', 'again');
    await bus.reserved();
    expect(calls.at(-1)).toBeGreaterThanOrEqual(8); // a ceiling above every seq handed out
    const before = calls.length;
    bus.publish('t', 'calm');
    await bus.reserved();
    expect(calls.length).toBe(before); // no reservation loop once ahead again
    bus.close();
  });
});
