import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEventBus, type EventBus } from '../../kernel/bus/index.js';
import { eventCallPayloads } from '../../kernel/sandbox/event-call-payloads.js';
import { callRoute, createSandbox, DEFAULT_PLUGIN_LIMITS, type Sandbox } from '../../kernel/sandbox/index.js';
import { childPids, quietLogger, req } from './helpers.js';
import { startInline } from './start-inline.js';

// Red team F2: 8 events of ~1 MB in one tick reached a subscriber as ONE `event` call; parsing
// it took ~180 MB in the victim's 64 MB isolate, so a well-behaved subscriber was killed (and
// quarantined after 5 rounds) while the publisher ran on.
const VICTIM = `
let n = 0;
export const plugin = {
  async activate(ctx) { await ctx.events.subscribe('feed.*', async (ev) => { n++; }); },
  routes: { async count() { return { status: 200, body: n }; } },
};`;

describe('event deliveries are split by serialized size', () => {
  let bus: EventBus;
  let sb: Sandbox;

  beforeAll(() => {
    bus = createEventBus({ replayMaxEvents: 100, replayMaxAgeMs: 60_000, subscriberQueueMax: 100 });
    sb = createSandbox({ logger: quietLogger(), restart: { baseDelayMs: 10 } });
  });
  afterAll(async () => {
    await sb.close();
    bus.close();
    expect(await childPids()).toEqual([]);
  });

  it('a burst of large events in one tick does not kill a subscriber', async () => {
    const victim = await startInline(sb, {
      name: 'victim',
      code: VICTIM,
      permissions: ['http:routes', 'events:subscribe:feed.*'],
      services: { bus },
    });
    const pid = victim.status().pid;
    // ~900 KB of `{}` each (~20 MB once parsed): one event fits a call, eight do not.
    const data = JSON.parse(`[${'{},'.repeat(300_000)}{}]`) as unknown;
    for (let i = 0; i < 8; i++) bus.publish('feed.x', data);
    // Deliveries run one call at a time; wait until all eight are handled (or the victim died).
    while (
      victim.status().state === 'running' &&
      ((await callRoute(victim, 'count', req())).body as number) < 8
    ) {
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(victim.status()).toMatchObject({ state: 'running', pid, restarts: 0, deliveryErrors: 0 });
    expect((await callRoute(victim, 'count', req())).body).toBe(8);
    await victim.dispose();
  });

  it('each call payload stays within the per-call limit, in order; an event too large alone is counted', () => {
    const max = DEFAULT_PLUGIN_LIMITS.maxCallBytes;
    const ev = (seq: number, chars: number) => ({ seq, topic: 'feed.x', time: 1, data: 'x'.repeat(chars) });
    const batch = [ev(1, 400_000), ev(2, 400_000), ev(3, 400_000), ev(4, 10), ev(5, max), ev(6, 900_000)];
    const { payloads, oversized } = eventCallPayloads(7, batch, max);
    expect(oversized).toBe(1);
    for (const p of payloads) expect(p.length).toBeLessThanOrEqual(max);
    const parsed = payloads.map((p) => JSON.parse(p) as { sub: number; events: { seq: number }[] });
    expect(parsed.every((p) => p.sub === 7)).toBe(true);
    expect(parsed.flatMap((p) => p.events.map((e) => e.seq))).toEqual([1, 2, 3, 4, 6]);
    expect(parsed.map((p) => p.events.length)).toEqual([2, 2, 1]);
  });
});
