import os from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BusEvent } from '../../kernel/bus/index.js';
import { type PluginKernel, startPluginKernel } from '../helpers/start-plugin-kernel.js';

/*
 * ctx.timers.every(ms, fn, { sample }) in a real sandbox under a real kernel: every tick carries
 * the kernel's reading of the areas (no system.sample call), the areas' system:read grants are
 * checked when the timer is started (a bad list is refused as system.sample refuses it), and a
 * grant the operator takes back (a deny through the grants API + reload) stops the readings: the timer is refused.
 */

const PLUGIN = `
const ticks = [];
const refused = {};
let afterArgs = null;
async function attempt(label, sample) {
  try { await ctxRef.timers.every(60_000, () => {}, { sample }); refused[label] = null; }
  catch (e) { refused[label] = e.code ?? 'none'; }
}
let ctxRef;
export const plugin = {
  async setup(ctx) {
    ctxRef = ctx;
    await attempt('repeated', ['cpu', 'cpu']);
    await attempt('unknown', ['cpu', 'battery']);
    await attempt('empty', []);
    await attempt('notList', 'cpu');
    await attempt('ungranted', ['cpu', 'disk']);
    try {
      await ctx.timers.every(50, (tick) => { if (ticks.length < 20) ticks.push(tick); }, { sample: ['cpu', 'memory'] });
      refused.main = null;
    } catch (e) { refused.main = e.code ?? 'none'; }
    await ctx.timers.every(50, (tick) => { if (ticks.length < 20) ticks.push({ plain: tick }); });
    await ctx.timers.after(20, (...args) => { afterArgs = args.length; });
    return {
      routes: {
        async ticks() { return { status: 200, body: { ticks, refused, afterArgs } }; },
      },
    };
  },
};
`;

// biome-ignore lint/suspicious/noExplicitAny: readings are checked field by field below
type View = { ticks: any[]; refused: Record<string, string | null>; afterArgs: number | null };

const PERMS = ['http:routes', 'timers', 'system:read:cpu', 'system:read:memory'];

describe('a timer whose tick carries the system reading', () => {
  let k: PluginKernel;
  beforeAll(async () => {
    k = await startPluginKernel({
      sampler: {
        code: PLUGIN,
        manifest: {
          permissions: PERMS,
          routes: [{ method: 'GET', path: '/ticks', handler: 'ticks', permission: 'public' }],
        },
      },
    });
  });
  afterAll(() => k?.close());

  const view = async (): Promise<View> => {
    const res = await k.api('/api/v1/sampler/ticks');
    expect(res.status, await res.clone().text()).toBe(200);
    return (await res.json()) as View;
  };
  const until = async (ok: (v: View) => boolean): Promise<View> => {
    for (let i = 0; i < 100; i++) {
      const v = await view();
      if (ok(v)) return v;
      await new Promise((r) => setTimeout(r, 50));
    }
    return view();
  };

  it('passes the reading of the granted areas to every tick, and {} to a timer without sample', async () => {
    const v = await until((x) => x.ticks.filter((t) => t.sample).length >= 3 && x.ticks.some((t) => t.plain));
    expect(v.refused.main).toBeNull();
    const sampled = v.ticks.filter((t) => t.sample);
    expect(sampled.length).toBeGreaterThanOrEqual(3);
    for (const t of sampled) {
      expect(Object.keys(t.sample.data).sort()).toEqual(['cpu', 'memory']);
      expect(t.sample.errors).toEqual({});
      expect(t.sample.data.cpu.cores).toHaveLength(os.cpus().length);
      expect(Math.abs(t.sample.data.memory.totalBytes - os.totalmem())).toBeLessThanOrEqual(4096);
    }
    expect(v.ticks.find((t) => t.plain)?.plain).toEqual({});
  });

  it('calls a timers.after function with no argument, as before timers carried readings', async () => {
    const v = await until((x) => x.afterArgs !== null);
    expect(v.afterArgs).toBe(0);
  });

  it('refuses a bad sample list as system.sample does, and an ungranted area with OMEGA_ERR_PERM_DENIED', async () => {
    const { refused } = await view();
    expect(refused.repeated).toBe('OMEGA_ERR_VALIDATION');
    expect(refused.unknown).toBe('OMEGA_ERR_VALIDATION');
    expect(refused.empty).toBe('OMEGA_ERR_VALIDATION');
    expect(refused.notList).toBe('OMEGA_ERR_VALIDATION');
    expect(refused.ungranted).toBe('OMEGA_ERR_PERM_DENIED');
  });

  it('stops the readings once the operator denies an area: the timer is refused after reload', async () => {
    const denied: BusEvent[] = [];
    const sub = k.kernel.bus.subscribe(['plugins.permission.denied'], (b) => void denied.push(...b));
    const put = await k.api('/api/v1/plugins/sampler/grants', {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ granted: PERMS, denied: ['system:read:memory'] }),
    });
    expect(put.status, await put.clone().text()).toBe(200);
    const reload = await k.api('/api/v1/plugins/sampler/reload', { method: 'POST' });
    expect(reload.status, await reload.clone().text()).toBe(200);
    const v = await until((x) => x.ticks.some((t) => t.plain));
    expect(v.refused.main).toBe('OMEGA_ERR_PERM_DENIED');
    // The old activation's timer died with its session: no tick of this activation has a reading.
    await new Promise((r) => setTimeout(r, 300));
    expect((await view()).ticks.filter((t) => t.sample)).toEqual([]);
    sub.unsubscribe();
    // Audited: the reload's timers.every asked for the denied area (beside setup's ungranted disk).
    const asked = denied
      .filter((e) => (e.data as { call: string }).call === 'timers.every')
      .map((e) => (e.data as { descriptor?: unknown }).descriptor);
    expect(asked).toContainEqual({ kind: 'system.read', area: 'memory' });
  });
});
