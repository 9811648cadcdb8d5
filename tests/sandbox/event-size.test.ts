import { MAX_EVENT_DATA_BYTES } from '@omega/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEventBus, DEFAULT_REPLAY_MAX_BYTES, type EventBus } from '../../kernel/bus/index.js';
import { ReplayWindow } from '../../kernel/bus/replay-window.js';
import { callRoute, createSandbox, type PluginInstance, type Sandbox } from '../../kernel/sandbox/index.js';
import { childPids, quietLogger, req } from './helpers.js';
import { startInline } from './start-inline.js';

// Red team F1: a plugin with only events:publish:spam.* published 1 MB events of `[{},{},…]`
// in a loop; the kernel parsed and retained each (10,000 events / 5 min) and died of heap.
const SPAMMER = `
const events = (n) => JSON.parse('[' + '{},'.repeat(n) + '{}]');
export const plugin = {
  routes: {
    async publish(req, ctx) {
      try { await ctx.events.publish('spam.x', events(req.body.n)); return { status: 200, body: 'ok' }; }
      catch (e) { return { status: 200, body: e.code }; }
    },
    async flood(req, ctx) {
      const data = events(req.body.n);
      const out = [];
      for (let i = 0; i < req.body.times; i++) {
        try { await ctx.events.publish('spam.x', data); out.push('ok'); } catch (e) { out.push(e.code); }
      }
      return { status: 200, body: out };
    },
  },
};`;

/** Elements of `[{},…]` whose JSON is about `bytes` long. */
const elems = (bytes: number) => Math.floor(bytes / 3);

describe('published events are bounded in size, rate and retention', () => {
  let bus: EventBus;
  let sb: Sandbox;
  let spammer: PluginInstance;

  beforeAll(async () => {
    bus = createEventBus({ replayMaxEvents: 10_000, replayMaxAgeMs: 300_000, subscriberQueueMax: 100 });
    sb = createSandbox({ logger: quietLogger() });
    spammer = await startInline(sb, {
      name: 'spammer',
      code: SPAMMER,
      permissions: ['http:routes', 'events:publish:spam.*'],
      services: { bus },
    });
  });

  afterAll(async () => {
    await sb.close();
    bus.close();
    expect(await childPids()).toEqual([]);
  });

  const call = async (route: string, body: unknown) =>
    (await callRoute(spammer, route, req({ body }))).body as unknown;

  it('an event over MAX_EVENT_DATA_BYTES is refused before the kernel parses or retains it', async () => {
    const before = bus.lastSeq;
    expect(await call('publish', { n: elems(1_000_000) })).toBe('OMEGA_ERR_PLUGIN_LIMIT');
    expect(await call('publish', { n: elems(MAX_EVENT_DATA_BYTES + 1024) })).toBe('OMEGA_ERR_PLUGIN_LIMIT');
    expect(bus.lastSeq).toBe(before);
    expect(await call('publish', { n: elems(MAX_EVENT_DATA_BYTES - 64) })).toBe('ok');
    expect(bus.lastSeq).toBe(before + 1);
  });

  it('a publish loop of maximum-size events runs into the per-plugin publish budget', async () => {
    const out = (await call('flood', { n: elems(MAX_EVENT_DATA_BYTES - 64), times: 40 })) as string[];
    expect(out).toContain('OMEGA_ERR_PLUGIN_LIMIT');
    expect(out.filter((c) => c === 'ok').length).toBeLessThan(40);
    expect(spammer.status()).toMatchObject({ state: 'running', restarts: 0 });
  });

  it('the replay window is bounded by bytes, not only by count and age', () => {
    const b = createEventBus({ replayMaxEvents: 10_000, replayMaxAgeMs: 300_000, subscriberQueueMax: 10 });
    const data = 'x'.repeat(MAX_EVENT_DATA_BYTES - 2);
    const n = Math.ceil((2 * DEFAULT_REPLAY_MAX_BYTES) / MAX_EVENT_DATA_BYTES);
    for (let i = 0; i < n; i++) b.publish('spam.x', data);
    // The oldest events are gone (count and age alone would keep all of them)...
    expect(b.replay(0)).toBe('too-old');
    // ...and what is retained stays within the byte bound.
    const kept = b.replay(b.lastSeq - Math.floor(DEFAULT_REPLAY_MAX_BYTES / MAX_EVENT_DATA_BYTES) + 2);
    expect(Array.isArray(kept)).toBe(true);
    b.close();

    const w = new ReplayWindow(10_000, 300_000, 1000);
    for (let seq = 1; seq <= 100; seq++) w.push({ seq, topic: 't', time: 0, data: null }, 64);
    expect(w.bytes).toBeLessThanOrEqual(1000);
    expect(w.size).toBe(15);
    expect(w.oldestSeq).toBe(86);
    // One event larger than the bound is still kept alone (the newest is never dropped).
    w.push({ seq: 101, topic: 't', time: 0, data: null }, 5000);
    expect(w.size).toBe(1);
    expect(w.bytes).toBe(5000);
  });
});
