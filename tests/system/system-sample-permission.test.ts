import os from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BusEvent } from '../../kernel/bus/index.js';
import { type PluginKernel, startPluginKernel } from '../helpers/start-plugin-kernel.js';

/*
 * ctx.system.sample(areas) in a real sandbox under a real kernel: several areas in one host
 * call, each area needing its own system:read grant (a plugin granted cpu and memory cannot read
 * the disk by batching it with them), and the old one-area ctx.system.read still answering.
 */

const PLUGIN = `export const plugin = {
  routes: {
    async run(req, ctx) {
      const out = [];
      for (const c of req.body.calls) {
        try {
          const value = c.fn === 'sample' ? await ctx.system.sample(c.arg) : await ctx.system.read(c.arg);
          out.push({ ok: true, value });
        } catch (e) { out.push({ ok: false, code: e.code ?? null }); }
      }
      return { status: 200, body: out };
    },
  },
};
`;

// biome-ignore lint/suspicious/noExplicitAny: readings are checked field by field below
type Outcome = { ok: boolean; value?: any; code?: string | null };

describe('system.sample through the sandbox', () => {
  let k: PluginKernel;
  beforeAll(async () => {
    k = await startPluginKernel({
      sampler: {
        code: PLUGIN,
        manifest: {
          permissions: ['http:routes', 'system:read:cpu', 'system:read:memory'],
          routes: [{ method: 'POST', path: '/run', handler: 'run', permission: 'public' }],
        },
        // cpu and memory (all it declares), never the disk.
      },
    });
  });
  afterAll(() => k?.close());

  const run = async (calls: Array<{ fn: 'sample' | 'read'; arg: unknown }>): Promise<Outcome[]> => {
    const res = await k.api('/api/v1/sampler/run', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ calls }),
    });
    expect(res.status, await res.clone().text()).toBe(200);
    return (await res.json()) as Outcome[];
  };

  it('answers every granted area in one call, as one read per area would', async () => {
    const [both, cpu] = await run([
      { fn: 'sample', arg: ['cpu', 'memory'] },
      { fn: 'read', arg: 'cpu' },
    ]);
    expect(both?.ok).toBe(true);
    const v = both?.value;
    expect(Object.keys(v.data).sort()).toEqual(['cpu', 'memory']);
    expect(v.errors).toEqual({});
    expect(v.data.cpu.cores).toHaveLength(os.cpus().length);
    expect(Math.abs(v.data.memory.totalBytes - os.totalmem())).toBeLessThanOrEqual(4096);
    expect(cpu?.ok).toBe(true);
    expect(cpu?.value.cores).toHaveLength(os.cpus().length);
  });

  it('denies the whole call when one area is not granted, naming that area', async () => {
    const denied: BusEvent[] = [];
    const sub = k.kernel.bus.subscribe(['plugins.permission.denied'], (b) => void denied.push(...b));
    const [mixed, disk] = await run([
      { fn: 'sample', arg: ['cpu', 'disk'] },
      { fn: 'read', arg: 'disk' },
    ]);
    expect(mixed).toEqual({ ok: false, code: 'OMEGA_ERR_PERM_DENIED' });
    expect(disk).toEqual({ ok: false, code: 'OMEGA_ERR_PERM_DENIED' });
    await new Promise((r) => setTimeout(r, 50));
    sub.unsubscribe();
    const sample = denied.find((e) => (e.data as { call: string }).call === 'system.sample');
    expect((sample?.data as { descriptor?: unknown } | undefined)?.descriptor).toEqual({
      kind: 'system.read',
      area: 'disk',
    });
  });

  it('rejects repeated, unknown, empty or non-list areas before the permission check', async () => {
    const out = await run([
      { fn: 'sample', arg: ['cpu', 'cpu'] },
      { fn: 'sample', arg: ['cpu', 'battery'] },
      { fn: 'sample', arg: [] },
      { fn: 'sample', arg: 'cpu' },
    ]);
    for (const o of out) expect(o).toEqual({ ok: false, code: 'OMEGA_ERR_VALIDATION' });
  });
});
