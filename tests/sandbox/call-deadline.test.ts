import { createHook } from 'node:async_hooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEventBus, type EventBus } from '../../kernel/bus/index.js';
import { callRoute, createSandbox, type Sandbox } from '../../kernel/sandbox/index.js';
import {
  childPids,
  codeOf,
  quietLogger,
  req,
  startFixture,
  timerCount,
  timersSettledTo,
  waitForRestart,
} from './helpers.js';

/**
 * The call deadline is kept by one ticker per host session (not a timer per call): calls that
 * answer in time never fail, a call past its deadline fails with the same code and kill as
 * before, whatever other calls are in flight, and the ticker stops once the session is idle.
 */
describe('call deadlines (one ticker per session)', () => {
  let sb: Sandbox;
  let bus: EventBus;
  let timersBefore: number;

  beforeAll(() => {
    timersBefore = timerCount();
    bus = createEventBus({ replayMaxEvents: 10, replayMaxAgeMs: 60_000, subscriberQueueMax: 100 });
    sb = createSandbox({
      logger: quietLogger(),
      restart: { baseDelayMs: 10, maxDelayMs: 50, maxCrashes: 10 },
    });
  });

  afterAll(async () => {
    await sb.close();
    bus.close();
    expect(await childPids()).toEqual([]);
    expect(await timersSettledTo(timersBefore)).toBeLessThanOrEqual(timersBefore);
  });

  it('calls answered in time never time out, sequential or concurrent, and the ticker stops when idle', async () => {
    const p = await startFixture(sb, 'well-behaved', {
      services: { bus },
      limits: { callTimeoutMs: 200 },
    });
    const idle = await timersSettledTo(timerCount());
    for (let i = 0; i < 200; i++) {
      expect((await callRoute(p, 'ping', req())).status).toBe(200);
    }
    const burst = await Promise.all(Array.from({ length: 64 }, () => callRoute(p, 'ping', req())));
    expect(burst.map((r) => r.status)).toEqual(Array(64).fill(200));
    // Nothing in flight: the ticker's next tick finds no call and clears itself.
    expect(await timersSettledTo(idle)).toBeLessThanOrEqual(idle);
    expect(p.status().restarts).toBe(0);
    await p.dispose();
  });

  it('spaced calls answered in time wake neither the deadline timer nor the spin watch (no wake-up per call)', async () => {
    // The longest deadline there is (the manifest's maximum): the one timer armed for the first
    // call's deadline must not come due while a loaded machine runs the ten calls (found by review).
    const p = await startFixture(sb, 'well-behaved', {
      services: { bus },
      limits: { callTimeoutMs: 60_000 },
    });
    // Which callback each timer created from now on runs, and which of them fire.
    const callbackOf = new Map<number, string>();
    const fired: string[] = [];
    const hook = createHook({
      init(id, type, _trigger, resource) {
        if (type !== 'Timeout') return;
        callbackOf.set(id, (resource as { _onTimeout?: { name?: string } })._onTimeout?.name ?? '');
      },
      before(id) {
        const name = callbackOf.get(id);
        if (name === 'checkDeadlines' || name === 'tick') fired.push(name);
      },
    });
    hook.enable();
    let created = 0;
    try {
      for (let i = 0; i < 10; i++) {
        expect((await callRoute(p, 'ping', req())).status).toBe(200);
        // Longer than a spin-watch tick (50 ms): a timer left armed by the call would fire here.
        await new Promise((r) => setTimeout(r, 80));
      }
      created = [...callbackOf.values()].filter((n) => n === 'checkDeadlines' || n === 'tick').length;
    } finally {
      hook.disable();
    }
    expect(created).toBeGreaterThan(0); // the hook saw the session's timers: the check is not vacuous
    expect(fired).toEqual([]);
    await p.dispose();
  });

  it('a call past its deadline fails with OMEGA_ERR_PLUGIN_TIMEOUT and kills its host while quick calls around it succeed', async () => {
    const p = await startFixture(sb, 'loop-handler', { limits: { callTimeoutMs: 5_000 } });
    const pid = p.status().pid;
    const started = performance.now();
    // The stuck call has the short deadline; quick calls with the long default keep the ticker busy.
    const stuck = codeOf(callRoute(p, 'never', req(), 300));
    const quick: string[] = [];
    for (let i = 0; i < 20; i++) quick.push(await codeOf(callRoute(p, 'ping', req())));
    expect(quick).toEqual(Array(20).fill('resolved'));
    expect(await stuck).toBe('OMEGA_ERR_PLUGIN_TIMEOUT');
    // Never before its deadline (the ticker may only be late, by up to one tick).
    expect(performance.now() - started).toBeGreaterThanOrEqual(300);
    const back = await waitForRestart(p, pid);
    expect(back.lastCrash?.cause).toBe('deadline');
    expect(back.lastCrash?.reason).toMatch(/route "never" exceeded 300 ms/);
    expect(await callRoute(p, 'ping', req())).toMatchObject({ status: 200, body: 'ok' });
    await p.dispose();
  });

  it('a long deadline started first does not delay a shorter one started later', async () => {
    const p = await startFixture(sb, 'loop-handler', { limits: { callTimeoutMs: 5_000 } });
    const long = codeOf(callRoute(p, 'never', req(), 60_000));
    const started = performance.now();
    expect(await codeOf(callRoute(p, 'never', req(), 250))).toBe('OMEGA_ERR_PLUGIN_TIMEOUT');
    expect(performance.now() - started).toBeGreaterThanOrEqual(250);
    // The kill for the short deadline ends the host: the long call fails with it, not 60 s later.
    expect(await long).toBe('OMEGA_ERR_PLUGIN_UNAVAILABLE');
    await p.dispose();
  });
});
