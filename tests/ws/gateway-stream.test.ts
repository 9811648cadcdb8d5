import { afterEach, describe, expect, it } from 'vitest';
import { until } from '../bus/helpers.js';
import { auth, connect, type Frame, type Harness, startHarness } from './ws-helpers.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.stop();
  h = undefined;
});

const events = (frames: Frame[]): Frame[] => frames.filter((f) => f.type === 'event');

describe('events gateway stream', () => {
  it('delivers live events matching the topics, one JSON text frame each', async () => {
    let t = 1_700_000_000_000;
    h = await startHarness({ bus: { now: () => t++ } });
    const c = connect(`${h.base}/api/v1/events?topics=nodes.*,jobs.**`, auth);
    await c.waitFrames(1);
    h.bus.publish('nodes.n1', { cpu: 0.5 });
    h.bus.publish('metrics.cpu', 1);
    h.bus.publish('nodes.n1.deep', 2);
    h.bus.publish('jobs.j1.started', null);
    h.bus.publish('nodes.n2', undefined);
    h.bus.publish('metrics.mem', 3);
    h.bus.publish('nodes.end', 'sentinel'); // all non-matching events were published before it
    const frames = await c.waitFrames(5);
    expect(frames).toEqual([
      { type: 'hello', lastSeq: 0 },
      { type: 'event', seq: 1, topic: 'nodes.n1', time: 1_700_000_000_000, data: { cpu: 0.5 } },
      { type: 'event', seq: 4, topic: 'jobs.j1.started', time: 1_700_000_000_003, data: null },
      { type: 'event', seq: 5, topic: 'nodes.n2', time: 1_700_000_000_004, data: null },
      { type: 'event', seq: 7, topic: 'nodes.end', time: 1_700_000_000_006, data: 'sentinel' },
    ]);
    c.ws.close();
  });

  it('resuming with since delivers exactly the missed events in order, then live ones', async () => {
    h = await startHarness();
    const first = connect(`${h.base}/api/v1/events?topics=t.*`, auth);
    await first.waitFrames(1);
    h.bus.publish('t.a', 1);
    h.bus.publish('t.b', 2);
    const seen = await first.waitFrames(3);
    const lastSeen = Number(seen.at(-1)!.seq);
    first.ws.close();
    await first.closed;
    // missed while disconnected
    h.bus.publish('t.c', 3);
    h.bus.publish('other', 'x');
    h.bus.publish('t.d', 4);
    const again = connect(`${h.base}/api/v1/events?topics=t.*&since=${lastSeen}`, auth);
    await again.waitFrames(3);
    h.bus.publish('t.e', 5);
    const frames = await again.waitFrames(4);
    expect(frames[0]).toEqual({ type: 'hello', lastSeq: 5 });
    expect(events(frames).map((f) => [f.seq, f.data])).toEqual([
      [3, 3],
      [5, 4],
      [6, 5],
    ]);
    again.ws.close();
  });

  it('since outside the window: hello, resync too-old, close 4000', async () => {
    h = await startHarness({ bus: { replayMaxEvents: 3 } });
    for (let i = 0; i < 10; i++) h.bus.publish('t.x', i);
    const c = connect(`${h.base}/api/v1/events?topics=t.*&since=2`, auth);
    const closed = await c.closed;
    expect(closed.code).toBe(4000);
    expect(c.frames).toEqual([
      { type: 'hello', lastSeq: 10 },
      { type: 'resync', reason: 'too-old', lastSeq: 10 },
    ]);
    await until(() => h!.gateway.clientCount() === 0);
    expect(h.bus.subscriberCount).toBe(0);
  });

  it('a client that does not read is told to resync (overflow) and closed with 4000; others keep going', async () => {
    h = await startHarness({ gateway: { maxBufferedBytes: 64 * 1024 } });
    const slow = connect(`${h.base}/api/v1/events?topics=big`, auth);
    const fast = connect(`${h.base}/api/v1/events?topics=big`, auth);
    await Promise.all([slow.waitFrames(1), fast.waitFrames(1)]);
    slow.ws.pause();
    const payload = 'x'.repeat(64 * 1024);
    const total = 400; // 25 MiB: more than loopback socket buffers absorb
    let fastEvents = 0;
    fast.ws.on('message', () => void fastEvents++);
    for (let i = 0; i < total; i++) {
      h.bus.publish('big', payload);
      if (i % 20 === 19) await until(() => fastEvents >= i + 1);
    }
    await until(() => fastEvents >= total);
    slow.ws.resume();
    const closed = await slow.closed;
    expect(closed.code).toBe(4000);
    const last = slow.frames.at(-1)!;
    expect(last).toMatchObject({ type: 'resync', reason: 'overflow' });
    expect(events(slow.frames).length).toBeLessThan(total);
    expect(fast.ws.readyState).toBe(fast.ws.OPEN);
    await until(() => h!.gateway.clientCount() === 1);
    fast.ws.close();
  });

  it('a client whose bus queue overflows is told to resync', async () => {
    h = await startHarness({ bus: { subscriberQueueMax: 5 } });
    const c = connect(`${h.base}/api/v1/events?topics=t`, auth);
    await c.waitFrames(1);
    for (let i = 0; i < 6; i++) h.bus.publish('t', i); // synchronously: six queued before any drain
    const closed = await c.closed;
    expect(closed.code).toBe(4000);
    expect(c.frames).toEqual([
      { type: 'hello', lastSeq: 0 },
      { type: 'resync', reason: 'overflow', lastSeq: 6 },
    ]);
  });

  it('terminates a client that misses a pong, keeps one that answers', async () => {
    h = await startHarness({ gateway: { pingIntervalMs: 200 } });
    const mute = connect(`${h.base}/api/v1/events?topics=t`, { ...auth, autoPong: false });
    const live = connect(`${h.base}/api/v1/events?topics=t`, auth);
    let pings = 0;
    const threePings = new Promise<void>((r) => live.ws.on('ping', () => ++pings >= 3 && r()));
    await Promise.all([mute.waitFrames(1), live.waitFrames(1)]);
    const closed = await mute.closed;
    expect(closed.code).toBe(1006); // terminated, no close frame
    await threePings; // the live client survived several ping rounds
    expect(live.ws.readyState).toBe(live.ws.OPEN);
    expect(h.gateway.clientCount()).toBe(1);
    live.ws.close();
  });

  it('close() closes every client with 1001, refuses new upgrades and leaves no client behind', async () => {
    h = await startHarness();
    const cs = Array.from({ length: 5 }, () => connect(`${h!.base}/api/v1/events?topics=**`, auth));
    await Promise.all(cs.map((c) => c.waitFrames(1)));
    expect(h.gateway.clientCount()).toBe(5);
    await h.gateway.close();
    const codes = await Promise.all(cs.map((c) => c.closed.then((x) => x.code)));
    expect(codes).toEqual([1001, 1001, 1001, 1001, 1001]);
    expect(h.gateway.clientCount()).toBe(0);
    expect(h.bus.subscriberCount).toBe(0);
    expect(h.server.listenerCount('upgrade')).toBe(0);
    await h.gateway.close(); // idempotent
  });
});
