import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SETTLE_IDLE_MS } from '../../kernel/sandbox/host/create-idle-settle.js';
import { callRoute, createSandbox, type PluginInstance, type Sandbox } from '../../kernel/sandbox/index.js';
import { quietLogger, req } from './helpers.js';
import { startInline } from './start-inline.js';

/**
 * A lightly used host settles again when it regrew (kernel/sandbox/host/settle-due.ts): a real
 * host woken by a 250 ms timer settles once after a burst, then a few calls leave ~3 MB of garbage
 * in old space — too few calls and too little CPU to make its windows busy. The host settles
 * again (its isolate's heap in use drops) while the timer keeps firing; settling only once per
 * quiet spell, it kept the garbage.
 */
const CODE = `let ticks = 0;
let keep = [];
export const plugin = {
  async activate(ctx) { await ctx.timers.every(250, () => { ticks++; }); },
  routes: {
    async churn() { let n = 0; for (let i = 0; i < 20000; i++) { const o = { i, s: 'x' + i }; n += o.s.length; } return { status: 200, body: { n } }; },
    async grow() { for (let i = 0; i < 15000; i++) keep.push({ i, s: 'y' + i }); return { status: 200, body: { kept: keep.length } }; },
    async drop() { keep = []; return { status: 200, body: { kept: 0 } }; },
    async ticks() { return { status: 200, body: { ticks } }; },
  },
};`;

describe('idle settle of a lightly used host', () => {
  let sb: Sandbox;
  let p: PluginInstance;
  beforeAll(async () => {
    sb = createSandbox({ logger: quietLogger(), warmHosts: 0, cgroups: { mode: 'none' } });
    p = await startInline(sb, {
      name: 'settle-regrowth',
      code: CODE,
      permissions: ['http:routes', 'timers'],
    });
  });
  afterAll(async () => {
    await sb.close();
  });

  it('settles again once its heap grew since the last settle, its timer firing throughout', async () => {
    for (let i = 0; i < 200; i++) expect((await callRoute(p, 'churn', req())).status).toBe(200);
    await sleep(SETTLE_IDLE_MS + 2500);
    const first = await p.stats();
    const before = (await callRoute(p, 'ticks', req())).body as { ticks: number };
    // ~3 MB kept long enough to be promoted (the ticks' scavenges), then let go: garbage in old space.
    for (let i = 0; i < 4; i++) {
      expect((await callRoute(p, 'grow', req())).status).toBe(200);
      await sleep(300);
    }
    await callRoute(p, 'drop', req());
    const grown = await p.stats();
    expect(grown.heapUsedBytes - first.heapUsedBytes).toBeGreaterThanOrEqual(2 * 1024 * 1024);
    await sleep(SETTLE_IDLE_MS + 2500);
    const again = await p.stats();
    expect(grown.heapUsedBytes - again.heapUsedBytes).toBeGreaterThanOrEqual(2 * 1024 * 1024);
    const after = (await callRoute(p, 'ticks', req())).body as { ticks: number };
    expect(after.ticks - before.ticks).toBeGreaterThanOrEqual(20);
    expect(p.status().state).toBe('running');
  }, 40_000);
});
