import os from 'node:os';
import type { CapabilityDescriptor, SystemArea } from '@omega/protocol';
import { describe, expect, it } from 'vitest';
import { createPermissionGate } from '../../kernel/permissions/index.js';
import { createRegistrations } from '../../kernel/sandbox/create-registrations.js';
import { DEFAULT_PLUGIN_LIMITS } from '../../kernel/sandbox/plugin-limits.js';
import { createSystemInfo } from '../../kernel/system/index.js';

/*
 * A timer's reading is authorized at every tick, not only when the timer was started: with the
 * plugin's gate switched (real permission gates, real /proc reads) from one granting cpu and
 * memory to one denying memory, the next ticks carry no memory reading — OMEGA_ERR_PERM_DENIED
 * in `errors` instead, audited once — and the reading comes back when the grant does.
 */

const PERMS = ['timers', 'system:read:cpu', 'system:read:memory'];
const granting = createPermissionGate({ plugin: 'p', declared: PERMS, granted: PERMS });
const denying = createPermissionGate({
  plugin: 'p',
  declared: PERMS,
  granted: PERMS,
  denied: ['system:read:memory'],
});

describe('a timer carrying a reading, per tick', () => {
  it('stops reading an area whose grant is revoked, and reads it again once granted', async () => {
    let gate = granting;
    const payloads: string[] = [];
    const deniedAreas: SystemArea[] = [];
    const reg = createRegistrations({
      bus: undefined,
      limits: { ...DEFAULT_PLUGIN_LIMITS, minTimerMs: 10 },
      invoke: async (kind, _name, payload) => {
        if (kind === 'timer') payloads.push(payload);
        return 'null';
      },
      live: () => true,
      onDeliveryError: (_k, e) => {
        throw new Error(`unexpected delivery error ${e.code}`);
      },
      system: createSystemInfo({ cacheMs: 0 }),
      authorize: (d: CapabilityDescriptor) => gate.check(d),
      onTickDenied: (area) => deniedAreas.push(area),
    });
    const ticks = async (n: number) => {
      const start = payloads.length;
      while (payloads.length < start + n) await new Promise((r) => setTimeout(r, 5));
      // biome-ignore lint/suspicious/noExplicitAny: readings are checked field by field
      return payloads.slice(start, start + n).map((p) => JSON.parse(p).sample as any);
    };
    try {
      reg.addTimer(10, false, ['cpu', 'memory']);
      for (const s of await ticks(2)) {
        expect(Object.keys(s.data).sort()).toEqual(['cpu', 'memory']);
        expect(s.errors).toEqual({});
        expect(s.data.cpu.cores).toHaveLength(os.cpus().length);
      }
      gate = denying;
      await ticks(1); // a tick may have been read before the switch
      for (const s of await ticks(3)) {
        expect(Object.keys(s.data)).toEqual(['cpu']);
        expect(s.errors.memory?.code).toBe('OMEGA_ERR_PERM_DENIED');
        expect(s.errors.memory?.message).toMatch(/denied by the operator/);
      }
      expect(deniedAreas).toEqual(['memory']); // audited once, not at every tick
      gate = granting;
      await ticks(1);
      const [back] = await ticks(1);
      expect(Object.keys(back.data).sort()).toEqual(['cpu', 'memory']);
      expect(back.errors).toEqual({});
    } finally {
      reg.undoAll();
    }
  });

  it('refuses a carried reading where the kernel offers no system reads', () => {
    const reg = createRegistrations({
      bus: undefined,
      limits: DEFAULT_PLUGIN_LIMITS,
      invoke: async () => 'null',
      live: () => true,
      onDeliveryError: () => {},
    });
    expect(() => reg.addTimer(1000, false, ['cpu'])).toThrow(
      expect.objectContaining({ code: 'OMEGA_ERR_UNAVAILABLE' }),
    );
    expect(reg.counts().timers).toBe(0);
  });
});
