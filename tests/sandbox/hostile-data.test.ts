import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEventBus, type EventBus } from '../../kernel/bus/index.js';
import { callRoute, createSandbox, type PluginInstance, type Sandbox } from '../../kernel/sandbox/index.js';
import {
  childPids,
  codeOf,
  keepPinging,
  quietLogger,
  req,
  startFixture,
  timerCount,
  timersSettledTo,
  waitForRestart,
} from './helpers.js';

describe('hostile data across the boundary', () => {
  let bus: EventBus;
  let sb: Sandbox;
  let bystander: PluginInstance;
  let pinger: ReturnType<typeof keepPinging>;
  let timersBefore: number;

  beforeAll(async () => {
    timersBefore = timerCount();
    bus = createEventBus({ replayMaxEvents: 10, replayMaxAgeMs: 60_000, subscriberQueueMax: 1000 });
    sb = createSandbox({ logger: quietLogger(), restart: { baseDelayMs: 10 } });
    bystander = await startFixture(sb, 'well-behaved', { services: { bus } });
    pinger = keepPinging(bystander);
  });

  afterAll(async () => {
    const pings = await pinger.stop();
    expect(pings.failed).toBe(0);
    expect(bystander.status().restarts).toBe(0);
    await sb.close();
    bus.close();
    expect(await childPids()).toEqual([]);
    expect(await timersSettledTo(timersBefore)).toBeLessThanOrEqual(timersBefore);
  });

  it('huge results are refused by size, before the kernel parses them', async () => {
    const p = await startFixture(sb, 'huge-return');
    const pid = p.status().pid;
    expect(await codeOf(callRoute(p, 'bigString', req()))).toBe('OMEGA_ERR_PLUGIN_LIMIT');
    // 3 M characters pass the isolate's character check; 6 MB fail the kernel's byte check.
    expect(await codeOf(callRoute(p, 'bigMultibyte', req()))).toBe('OMEGA_ERR_PLUGIN_LIMIT');
    expect(await codeOf(p.invoke('service', 'big', '{}'))).toBe('OMEGA_ERR_PLUGIN_LIMIT');
    expect(await codeOf(callRoute(p, 'notJson', req()))).toBe('OMEGA_ERR_PLUGIN_FAILED');
    expect(await codeOf(callRoute(p, 'nothing', req()))).toBe('OMEGA_ERR_PLUGIN_FAILED');
    expect(p.status()).toMatchObject({ state: 'running', pid, restarts: 0 });
    await p.dispose();
  });

  it('huge, deep and too-frequent host-call arguments are refused', async () => {
    const p = await startFixture(sb, 'huge-args', { limits: { callBytesPerSec: 2 * 1024 * 1024 } });
    expect((await callRoute(p, 'tooManyChars', req())).body).toBe('OMEGA_ERR_PLUGIN_LIMIT');
    expect((await callRoute(p, 'tooManyBytes', req())).body).toBe('OMEGA_ERR_PLUGIN_LIMIT');
    expect((await callRoute(p, 'tooDeep', req())).body).toBe('OMEGA_ERR_PLUGIN_LIMIT');
    const flood = (await callRoute(p, 'flood', req())).body as string[];
    expect(flood).toContain('ok');
    expect(flood).toContain('OMEGA_ERR_PLUGIN_LIMIT');
    expect(p.status()).toMatchObject({ state: 'running', restarts: 0 });
    await p.dispose();
  });

  it('malformed responses become coded failures; framing headers are dropped', async () => {
    const p = await startFixture(sb, 'malformed-response');
    for (const route of [
      'noStatus',
      'badStatus',
      'crlfHeader',
      'badHeaderName',
      'notObject',
      'throwsNull',
      'throwsGetter',
    ]) {
      expect(await codeOf(callRoute(p, route, req())), route).toBe('OMEGA_ERR_PLUGIN_FAILED');
    }
    const framed = await callRoute(p, 'framing', req());
    expect(framed).toEqual({ status: 200, headers: { 'x-ok': '1' }, body: 'hello world' });
    const err = await callRoute(p, 'throwsGetter', req()).catch(
      (e: { extras: { pluginError: unknown } }) => e,
    );
    expect((err as { extras: { pluginError: unknown } }).extras.pluginError).toEqual({
      code: 'OMEGA_ERR_PLUGIN_FAILED',
      message: 'plugin failed',
    });
    expect(p.status().restarts).toBe(0);
    // A thrown Proxy whose getters never return is only ever read inside the isolate, under the deadline.
    const pid = p.status().pid;
    expect(await codeOf(callRoute(p, 'throwsHangingProxy', req()))).toBe('OMEGA_ERR_PLUGIN_TIMEOUT');
    const back = await waitForRestart(p, pid);
    expect(back.restarts).toBe(1);
    await p.dispose();
  });

  it('a plugin that throws on every event keeps running; the failures show in its status', async () => {
    const p = await startFixture(sb, 'event-thrower', { services: { bus } });
    for (let i = 0; i < 20; i++) bus.publish('demo.tick', { i });
    await expect.poll(() => p.status().deliveryErrors).toBeGreaterThan(0);
    expect(p.status()).toMatchObject({
      state: 'running',
      restarts: 0,
      lastDeliveryError: {
        kind: 'event',
        code: 'OMEGA_ERR_PLUGIN_FAILED',
        message: 'I throw on every event',
      },
    });
    // The well-behaved subscriber got the same events.
    await expect
      .poll(
        async () =>
          ((await callRoute(bystander, 'state', req())).body as { lastEvent: { data: unknown } }).lastEvent
            ?.data,
      )
      .toEqual({ i: 19 });
    await p.dispose();
  });
});
