import { createHook } from 'node:async_hooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEventBus, type EventBus } from '../../kernel/bus/index.js';
import { callRoute, createSandbox, type Sandbox } from '../../kernel/sandbox/index.js';
import { childPids, quietLogger, req, startFixture, timerCount, timersSettledTo } from './helpers.js';

/**
 * The deadline timer goes with the last call in flight: calls spaced wider than their deadline
 * (a metrics tick every second, a 5 s deadline) leave no timer to come due with nothing to do.
 */
describe('the deadline timer of an idle session', () => {
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

  it('does not fire after its calls were answered, however long the session stays idle', async () => {
    const p = await startFixture(sb, 'well-behaved', { services: { bus }, limits: { callTimeoutMs: 1_000 } });
    const callbackOf = new Map<number, string>();
    const fired: string[] = [];
    const hook = createHook({
      init(id, type, _trigger, resource) {
        if (type === 'Timeout')
          callbackOf.set(id, (resource as { _onTimeout?: { name?: string } })._onTimeout?.name ?? '');
      },
      before(id) {
        if (callbackOf.get(id) === 'checkDeadlines') fired.push('checkDeadlines');
      },
    });
    hook.enable();
    try {
      for (let i = 0; i < 3; i++) {
        expect((await callRoute(p, 'ping', req())).status).toBe(200);
        // Past the call's deadline: a timer left armed for it would fire here.
        await new Promise((r) => setTimeout(r, 1_300));
      }
    } finally {
      hook.disable();
    }
    expect([...callbackOf.values()]).toContain('checkDeadlines'); // armed for each call: not vacuous
    expect(fired).toEqual([]);
    await p.dispose();
  });
});
