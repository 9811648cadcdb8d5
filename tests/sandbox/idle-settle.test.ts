import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SETTLE_IDLE_MS } from '../../kernel/sandbox/host/create-idle-settle.js';
import { callRoute, createSandbox, type PluginInstance, type Sandbox } from '../../kernel/sandbox/index.js';
import { quietLogger, req } from './helpers.js';
import { startInline } from './start-inline.js';

/**
 * An idle plugin host gives its garbage heap back (kernel/sandbox/host/create-idle-settle.ts):
 * a real host process, a burst of real route calls, then the isolate's committed heap read from
 * the host (STATS frame) before and after SETTLE_IDLE_MS of quiet. The plugin's context never
 * sees V8's gc, and the host serves calls as before once it has settled.
 */
const CODE = `export const plugin = { routes: {
  async churn() { let keep = 0; for (let i = 0; i < 20000; i++) { const o = { i, s: 'x' + i }; keep += o.s.length; } return { status: 200, body: { keep } }; },
  async probe() { return { status: 200, body: { gc: typeof gc, own: Object.getOwnPropertyNames(globalThis).includes('gc') } }; },
} };`;

describe('idle settle of a plugin host', () => {
  let sb: Sandbox;
  let p: PluginInstance;
  beforeAll(async () => {
    sb = createSandbox({ logger: quietLogger(), warmHosts: 0, cgroups: { mode: 'none' } });
    p = await startInline(sb, { name: 'settle-probe', code: CODE, permissions: ['http:routes'] });
  });
  afterAll(async () => {
    await sb.close();
  });

  it('the plugin finds no gc of its own', async () => {
    const r = await callRoute(p, 'probe', req());
    expect(r.body).toEqual({ gc: 'undefined', own: false });
  });

  it('shrinks the isolate heap after a quiet spell, and serves calls afterwards', async () => {
    for (let i = 0; i < 200; i++) expect((await callRoute(p, 'churn', req())).status).toBe(200);
    const busy = await p.stats();
    await sleep(SETTLE_IDLE_MS + 1500);
    const settled = await p.stats();
    // Both 1 MiB semi-spaces are committed after the burst; a settled young generation is 256 KiB.
    expect(busy.heapTotalBytes - settled.heapTotalBytes).toBeGreaterThanOrEqual(1024 * 1024);
    let keep = 0;
    for (let i = 0; i < 20000; i++) keep += `x${i}`.length;
    expect((await callRoute(p, 'churn', req())).body).toEqual({ keep });
    expect(p.status().state).toBe('running');
  }, 30_000);

  it('a host woken by a timer settles too, once it is quiet', async () => {
    const ticking = await startInline(sb, {
      name: 'settle-ticking',
      code: `let ticks = 0;
export const plugin = {
  async activate(ctx) { await ctx.timers.every(500, () => { ticks++; }); },
  routes: {
    ${CODE.slice(CODE.indexOf('async churn'), CODE.indexOf('async probe'))}
    async ticks() { return { status: 200, body: { ticks } }; },
  },
};`,
      permissions: ['http:routes', 'timers'],
    });
    for (let i = 0; i < 200; i++) await callRoute(ticking, 'churn', req());
    const busy = await ticking.stats();
    const before = (await callRoute(ticking, 'ticks', req())).body as { ticks: number };
    await sleep(SETTLE_IDLE_MS + 3000);
    const settled = await ticking.stats();
    expect(busy.heapTotalBytes - settled.heapTotalBytes).toBeGreaterThanOrEqual(1024 * 1024);
    // The timer kept firing throughout (2 a second: a quiet host, not an idle one).
    const after = (await callRoute(ticking, 'ticks', req())).body as { ticks: number };
    expect(after.ticks - before.ticks).toBeGreaterThanOrEqual(10);
    await ticking.dispose();
  }, 30_000);
});
