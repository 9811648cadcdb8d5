import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BusEvent } from '../../kernel/bus/index.js';
import { createEventBus, type EventBus } from '../../kernel/bus/index.js';
import { createLogger } from '../../kernel/log/index.js';
import { callRoute, createSandbox, type PluginInstance, type Sandbox } from '../../kernel/sandbox/index.js';
import { type PluginKernel, startPluginKernel } from '../helpers/start-plugin-kernel.js';
import { childPids, quietLogger, req } from './helpers.js';
import { startInline } from './start-inline.js';

/*
 * ctx.events.emit publishes without an answer: the kernel applies every check publish has, sends
 * no reply, and logs a failure instead of answering it. These run real isolates in real host
 * processes against a real bus.
 */

const EMITTER = `
export const plugin = {
  routes: {
    async mixed(req, ctx) {
      const seqs = [];
      seqs.push((await ctx.events.publish('demo.a', { n: 1 })).seq);
      const r1 = ctx.events.emit('demo.a', { n: 2 });
      ctx.events.emit('demo.a', { n: 3 });
      seqs.push((await ctx.events.publish('demo.a', { n: 4 })).seq);
      ctx.events.emit('demo.a', { n: 5 });
      return { status: 200, body: { seqs, r1: r1 === undefined ? 'undefined' : typeof r1 } };
    },
    async denied(req, ctx) {
      ctx.events.emit('other.secret', { password: 'hunter2-emit-data' });
      ctx.events.emit('demo.after', { n: 1 });
      return { status: 200, body: 'sent' };
    },
    async loop(req, ctx) {
      const pad = 'x'.repeat(1000);
      for (let i = 0; i < 100000; i++) {
        try { ctx.events.emit('demo.loop', { i, pad }); }
        catch (e) { return { status: 200, body: { code: e.code, sent: i } }; }
      }
      return { status: 200, body: { code: null, sent: 100000 } };
    },
    async burst(req, ctx) {
      const pad = 'x'.repeat(120);
      for (let i = 0; i < 300; i++) ctx.events.emit('demo.burst', { i, pad });
      return { status: 200, body: 'sent' };
    },
    async notJson(req, ctx) {
      try { ctx.events.emit('demo.a', { n: 1n }); return { status: 200, body: null }; }
      catch (e) { return { status: 200, body: e.code }; }
    },
  },
};`;

const until = async (done: () => boolean): Promise<void> => {
  while (!done()) await new Promise((r) => setTimeout(r, 10));
};

describe('ctx.events.emit in a real kernel', () => {
  let k: PluginKernel;
  beforeAll(async () => {
    k = await startPluginKernel({
      emitter: {
        code: EMITTER,
        manifest: {
          permissions: ['http:routes', 'events:publish:demo.**'],
          routes: [{ method: 'POST', path: '/mixed', handler: 'mixed', permission: 'public' }],
        },
      },
    });
  });
  afterAll(() => k?.close());

  it('arrives on the bus in order with publishes, and returns nothing', async () => {
    const seen: BusEvent[] = [];
    const sub = k.kernel.bus.subscribe(['demo.a'], (batch) => void seen.push(...batch));
    const res = await k.api('/api/v1/emitter/mixed', { method: 'POST' });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { seqs: number[]; r1: string };
    expect(body.r1).toBe('undefined');
    await until(() => seen.length >= 5);
    sub.unsubscribe();
    expect(seen.map((e) => (e.data as { n: number }).n)).toEqual([1, 2, 3, 4, 5]);
    // publish still resolves its own event's seq: 1 and 4, two emits between them.
    expect(body.seqs[1]! - body.seqs[0]!).toBe(3);
    expect(seen[0]!.seq).toBe(body.seqs[0]);
  });
});

describe('ctx.events.emit: failures are logged, loops are bounded', () => {
  let sb: Sandbox;
  let bus: EventBus;
  let p: PluginInstance;
  const records: Array<Record<string, unknown>> = [];
  const raw: string[] = [];
  beforeAll(async () => {
    sb = createSandbox({ logger: quietLogger() });
    bus = createEventBus({ replayMaxEvents: 10_000, replayMaxAgeMs: 300_000, subscriberQueueMax: 100_000 });
    const log = createLogger({
      level: 'debug',
      destination: {
        write: (s: string) => {
          raw.push(s);
          records.push(JSON.parse(s) as Record<string, unknown>);
        },
      },
    });
    p = await startInline(sb, {
      name: 'emitter',
      code: EMITTER,
      permissions: ['http:routes', 'events:publish:demo.**'],
      services: { bus, log },
      // A burst of 256 KiB: the emit loop's ~1 MiB is mostly refused by the publish budget.
      limits: { publishBytesPerSec: 65_536 },
    });
  });
  afterAll(async () => {
    await sb.close();
    bus.close();
    expect(await childPids()).toEqual([]);
  });

  it('a denied emit does not reach the bus; the kernel logs plugin, topic and code, never the data', async () => {
    const seen: BusEvent[] = [];
    const sub = bus.subscribe(['**'], (batch) => void seen.push(...batch));
    expect((await callRoute(p, 'denied', req())).body).toBe('sent');
    await until(() => seen.some((e) => e.topic === 'demo.after'));
    sub.unsubscribe();
    expect(seen.map((e) => e.topic)).toEqual(['demo.after']);
    const line = records.find((r) => r.msg === 'plugin call without an answer failed');
    expect(line).toMatchObject({
      plugin: 'emitter',
      call: 'events.publish',
      topic: 'other.secret',
      code: 'OMEGA_ERR_PERM_DENIED',
      failures: 1,
    });
    expect(raw.join('\n')).not.toContain('hunter2-emit-data');
    expect(p.status()).toMatchObject({ state: 'running', restarts: 0 });
  });

  it('a burst of 300 small emits in one entry (one socket chunk) all arrive on the bus, in order', async () => {
    const seen: BusEvent[] = [];
    const sub = bus.subscribe(['demo.burst'], (batch) => void seen.push(...batch));
    const before = records.length;
    expect((await callRoute(p, 'burst', req())).body).toBe('sent');
    await until(() => seen.length >= 300);
    sub.unsubscribe();
    expect(seen.map((e) => (e.data as { i: number }).i)).toEqual([...Array(300).keys()]);
    expect(records.slice(before).filter((r) => r.msg === 'plugin call without an answer failed')).toEqual([]);
  });

  it('arguments that are not JSON data throw at once', async () => {
    expect((await callRoute(p, 'notJson', req())).body).toBe('OMEGA_ERR_VALIDATION');
  });

  it('an emit loop is refused once the host holds a bounded amount unsent; the plugin keeps running', async () => {
    const seen: BusEvent[] = [];
    const sub = bus.subscribe(['demo.loop'], (batch) => void seen.push(...batch));
    const before = records.length;
    const out = (await callRoute(p, 'loop', req())).body as { code: string | null; sent: number };
    expect(out.code).toBe('OMEGA_ERR_PLUGIN_LIMIT');
    // About 1 MiB of ~1 KB events: the host holds no more than its cap (plus one event).
    expect(out.sent).toBeGreaterThan(100);
    expect(out.sent).toBeLessThan(1100);
    expect(p.status()).toMatchObject({ state: 'running', restarts: 0 });
    expect((await callRoute(p, 'denied', req())).body).toBe('sent');
    // The events sent are checked as publishes are: the publish budget refuses most. Each refusal
    // is counted, and logged at most once per window per code: the count still pending is
    // logged when the session ends.
    await new Promise((r) => setTimeout(r, 200));
    sub.unsubscribe();
    const refused = out.sent - seen.length;
    expect(refused).toBeGreaterThan(0);
    await p.dispose();
    const lines = records
      .slice(before)
      .filter((r) => r.msg === 'plugin call without an answer failed' && r.code === 'OMEGA_ERR_PLUGIN_LIMIT');
    expect(lines.length).toBeLessThanOrEqual(2);
    expect(lines.every((l) => l.topic === 'demo.loop')).toBe(true);
    expect(lines.reduce((n, l) => n + (l.failures as number), 0)).toBeGreaterThanOrEqual(refused);
  });
});
