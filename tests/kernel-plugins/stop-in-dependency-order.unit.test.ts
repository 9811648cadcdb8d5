import { describe, expect, it } from 'vitest';
import { stopInDependencyOrder } from '../../kernel/plugins/manager/stop-in-dependency-order.js';

interface P {
  name: string;
  deps: string[];
}

/** Stops that finish only when the test says so, recording when each began and ended. */
function stopsUnderTest(fail: string[] = []) {
  const events: string[] = [];
  const finishers = new Map<string, () => void>();
  const stop = (p: P) =>
    new Promise<void>((resolve, reject) => {
      events.push(`start ${p.name}`);
      finishers.set(p.name, () => {
        events.push(`end ${p.name}`);
        if (fail.includes(p.name)) reject(new Error(`${p.name} failed to stop`));
        else resolve();
      });
    });
  const finish = async (name: string) => {
    finishers.get(name)?.();
    await new Promise((r) => setImmediate(r));
  };
  return { events, stop, finish };
}

const of = (stop: (p: P) => Promise<void>) => ({
  name: (p: P) => p.name,
  dependsOn: (p: P) => p.deps,
  stop,
});

describe('stopInDependencyOrder', () => {
  it('stops a provider listed before its dependent (installed later) only after the dependent', async () => {
    const { events, stop, finish } = stopsUnderTest();
    const carol = { name: 'carol', deps: ['zeta'] };
    const zeta = { name: 'zeta', deps: [] };
    const solo = { name: 'solo', deps: [] };
    const all = stopInDependencyOrder([carol, zeta, solo], of(stop));
    await new Promise((r) => setImmediate(r));
    // carol and solo at once; zeta waits for carol
    expect(events).toEqual(['start carol', 'start solo']);
    await finish('carol');
    expect(events).toEqual(['start carol', 'start solo', 'end carol', 'start zeta']);
    await finish('zeta');
    await finish('solo');
    await Promise.all(all);
  });

  it('lets a provider stop once its dependent failed to stop, and reports the failure', async () => {
    const { events, stop, finish } = stopsUnderTest(['app']);
    const all = stopInDependencyOrder(
      [
        { name: 'db', deps: [] },
        { name: 'app', deps: ['db'] },
      ],
      of(stop),
    );
    await new Promise((r) => setImmediate(r));
    expect(events).toEqual(['start app']);
    await finish('app');
    expect(events).toContain('start db');
    await finish('db');
    const results = await Promise.allSettled(all);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected']);
  });

  it('does not wait forever in a declared cycle', async () => {
    const { events, stop, finish } = stopsUnderTest();
    const all = stopInDependencyOrder(
      [
        { name: 'a', deps: ['b'] },
        { name: 'b', deps: ['a'] },
      ],
      of(stop),
    );
    await new Promise((r) => setImmediate(r));
    expect(events).toHaveLength(1);
    await finish(events[0]!.slice('start '.length));
    expect(events).toHaveLength(3);
    await finish(events[2]!.slice('start '.length));
    await Promise.all(all);
  });
});
