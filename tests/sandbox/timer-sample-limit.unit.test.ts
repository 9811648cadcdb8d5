import type { SystemArea } from '@omega/protocol';
import { describe, expect, it } from 'vitest';
import { createRegistrations } from '../../kernel/sandbox/create-registrations.js';
import { DEFAULT_PLUGIN_LIMITS } from '../../kernel/sandbox/plugin-limits.js';
import { createSystemInfo } from '../../kernel/system/index.js';

/*
 * A reading carried by a timer tick is bounded by the plugin's maxCallBytes, as an event call
 * is: with real /proc reads and a limit smaller than the cpu reading, the tick still fires but
 * carries no data — each area answers OMEGA_ERR_PLUGIN_LIMIT in `errors` — and the delivery
 * error is reported once; under the default limit the same timer carries the reading.
 */

function ticksOf(maxCallBytes: number, areas: SystemArea[]) {
  const payloads: string[] = [];
  const errors: { kind: string; code: string }[] = [];
  const reg = createRegistrations({
    bus: undefined,
    limits: { ...DEFAULT_PLUGIN_LIMITS, minTimerMs: 10, maxCallBytes },
    invoke: async (kind, _name, payload) => {
      if (kind === 'timer') payloads.push(payload);
      return 'null';
    },
    live: () => true,
    onDeliveryError: (kind, e) => errors.push({ kind, code: e.code }),
    system: createSystemInfo({ cacheMs: 0 }),
  });
  reg.addTimer(10, false, areas);
  return {
    payloads,
    errors,
    async next(n: number): Promise<string[]> {
      while (payloads.length < n) await new Promise((r) => setTimeout(r, 5));
      reg.undoAll();
      return payloads.slice(0, n);
    },
  };
}

describe('a timer carrying a reading larger than maxCallBytes', () => {
  it('fires with each area refused as OMEGA_ERR_PLUGIN_LIMIT, within the limit, and reports it once', async () => {
    const limit = 400;
    const t = ticksOf(limit, ['cpu', 'memory']);
    for (const payload of await t.next(2)) {
      expect(payload.length).toBeLessThanOrEqual(limit);
      const { sample } = JSON.parse(payload);
      expect(sample.data).toEqual({});
      expect(sample.errors.cpu.code).toBe('OMEGA_ERR_PLUGIN_LIMIT');
      expect(sample.errors.memory.code).toBe('OMEGA_ERR_PLUGIN_LIMIT');
    }
    // reported once, not at every tick
    expect(t.errors).toEqual([{ kind: 'timer', code: 'OMEGA_ERR_PLUGIN_LIMIT' }]);
  });

  it('carries the reading under the default limit', async () => {
    const t = ticksOf(DEFAULT_PLUGIN_LIMITS.maxCallBytes, ['cpu', 'memory']);
    const [payload] = await t.next(1);
    const { sample } = JSON.parse(payload as string);
    expect(Object.keys(sample.data).sort()).toEqual(['cpu', 'memory']);
    expect(sample.errors).toEqual({});
    expect(t.errors).toEqual([]);
  });
});
