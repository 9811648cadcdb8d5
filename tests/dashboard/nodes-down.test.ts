import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureChromium } from './chromium.js';
import { type FleetDashboard, startFleetDashboard } from './fleet-dashboard.js';
import { dashUrl, seriousAxeViolations, settled, until } from './page-helpers.js';

const skip = ensureChromium();
if (skip) console.warn(`SKIP dashboard node-down tests: ${skip}`);

const STOPPED = 'agent stopped responding';

/**
 * Real agents killed with SIGKILL (no leave): the Nodes tab shows the node turn down live with the
 * nodes plugin's reason, and the node page's history (read from `GET /nodes/{id}/history`) gets
 * the down entry on top while the page is open.
 */
describe.skipIf(skip !== null)('a killed agent in Chromium against a real kernel', () => {
  let f: FleetDashboard;

  beforeAll(async () => {
    f = await startFleetDashboard({
      plugins: ['nodes'],
      agents: ['kd-a', 'kd-b'],
      resources: false,
      tab: 'nodes',
      ready: async (x) => {
        // A closed connection turns the node down after closedGraceMs: 1 s instead of 10 s.
        const s = await x.get('/nodes/settings');
        const put = await x.call('PUT', '/nodes/settings', { closedGraceMs: 1000, version: s.version });
        if (put.status !== 200) throw new Error(`nodes settings: ${put.status} ${JSON.stringify(put.body)}`);
        for (const name of ['kd-a', 'kd-b'])
          await until(
            async () => ((await x.get(`/nodes/${name}`))?.status?.state === 'ready' ? true : undefined),
            60_000,
            `node ${name} to be ready`,
          );
      },
    });
  }, 180_000);
  afterAll(async () => {
    await f?.stop();
  }, 60_000);

  const agent = (name: string) => {
    const a = f.fleet.agents.find((x) => x.name === name);
    if (!a) throw new Error(`no agent ${name}`);
    return a;
  };

  it('the Nodes tab shows a SIGKILLed agent turn down live, with its reason', async () => {
    const { page, cspViolations } = f.tp;
    await settled(page);
    const row = page.getByRole('row').filter({ hasText: 'kd-a' });
    await row.filter({ hasText: 'ready' }).waitFor({ timeout: 30_000 });
    agent('kd-a').proc.kill('SIGKILL');
    await agent('kd-a').proc.exited;
    await row.filter({ hasText: 'down' }).filter({ hasText: STOPPED }).waitFor({ timeout: 30_000 });
    const api = await f.get('/nodes/kd-a');
    expect(api.status.state).toBe('down');
    expect(api.status.reason).toContain(STOPPED);
    // The other node is untouched.
    await page.getByRole('row').filter({ hasText: 'kd-b' }).filter({ hasText: 'ready' }).waitFor();
    expect(cspViolations).toEqual([]);
  });

  it("the node page's history comes from the API, and a kill while it is open prepends the down entry", async () => {
    const { page, cspViolations } = f.tp;
    const b = await f.get('/nodes/kd-b');
    await page.goto(dashUrl(f.d.url, `tab=nodes&node=${encodeURIComponent(b.id)}`));
    await settled(page);
    const history = page.getByTestId('node-history');
    // What the API holds is shown at once (the join entry), not only what happens from now on.
    const before = await f.get(`/nodes/${b.id}/history`);
    expect(before.items.length).toBeGreaterThan(0);
    await history.locator(`[data-history-n="${before.items[0].n}"]`).waitFor();
    expect(await history.locator('li').count()).toBe(before.items.length);

    agent('kd-b').proc.kill('SIGKILL');
    await agent('kd-b').proc.exited;
    const top = history.locator('li').first();
    await top
      .and(page.locator('[data-history-state="down"]'))
      .filter({ hasText: STOPPED })
      .waitFor({ timeout: 30_000 });
    await page.locator('#node-title').filter({ hasText: 'down' }).waitFor();
    const after = await f.get(`/nodes/${b.id}/history`);
    expect(after.items[0].state).toBe('down');
    expect(after.items[0].reason).toContain(STOPPED);
    expect(await top.getAttribute('data-history-n')).toBe(String(after.items[0].n));
    // Older entries stay below it, newest first.
    const ns = await history
      .locator('li')
      .evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-history-n'))));
    expect(ns).toEqual([...ns].sort((x, y) => y - x));
    expect(ns).toEqual(after.items.map((i: { n: number }) => i.n));
    expect(await seriousAxeViolations(page)).toEqual([]);
    expect(cspViolations).toEqual([]);
  });
});
