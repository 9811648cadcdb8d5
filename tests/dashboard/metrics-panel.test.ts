import type { Browser, Frame, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumVersion, ensureChromium, launchChromium } from './chromium.js';
import { ADMIN, type DashboardKernel, startDashboardKernel } from './dashboard-kernel.js';
import { type FleetAgents, startFleetAgents } from './fleet-agents.js';
import { dashUrl, openPage, signIn, type TrackedPage } from './page-helpers.js';

const skip = ensureChromium();
if (skip) console.warn(`SKIP metrics panel tests: ${skip}`);

/** The metrics plugin's panel frame (its own site: `metrics.localhost`). */
function metricsFrame(page: Page): Frame | undefined {
  return page.frames().find((x) => x.url().includes('//metrics.localhost:'));
}

/** What the panel shows: its state, node, and each series' newest value and point count. */
async function shown(page: Page) {
  const f = metricsFrame(page);
  if (!f) return undefined;
  return f
    .evaluate(() => {
      // The frame's DOM, typed structurally (the tests compile without DOM types).
      type El = {
        dataset: Record<string, string | undefined>;
        textContent: string | null;
        getAttribute(n: string): string | null;
      };
      const doc = (globalThis as unknown as { document: { getElementById(id: string): El } }).document;
      const el = (id: string) => doc.getElementById(id);
      const series = (k: string) => ({
        value: el(`${k}-value`).dataset.value ?? '',
        points: Number(el(`${k}-value`).dataset.points ?? 0),
        text: el(`${k}-value`).textContent ?? '',
        line: el(`${k}-line`).getAttribute('points') ?? '',
      });
      return {
        state: el('usage').dataset.state,
        node: el('usage').dataset.node,
        cpu: series('cpu'),
        mem: series('mem'),
      };
    })
    .catch(() => undefined);
}

/**
 * The metrics plugin's own panel (issue #19), as shipped: plugins/metrics built and sealed by the
 * real `buildPlugin` (ui.integrity covers plugins/metrics/panels/), granted by plugins/grants.json,
 * hosted on the node page of the real dashboard, its numbers from the real metrics plugin.
 */
describe.skipIf(skip !== null)("the metrics plugin's node-page panel, in Chromium", () => {
  let d: DashboardKernel;
  let browser: Browser;
  let tp: TrackedPage;
  let token: string;
  let node: { id: string; name: string };
  let fleet: FleetAgents;

  beforeAll(async () => {
    [d, browser] = await Promise.all([startDashboardKernel(['nodes']), launchChromium()]);
    token = await d.bootstrapAdmin();
    // A real agent joins: the node page is a joined node's; its load reaches the metrics plugin.
    fleet = await startFleetAgents(d, token, ['panelnode'], { resources: false });
    const deadline = Date.now() + 60_000;
    for (;;) {
      const r = await d.call<{ items: Array<{ id: string; name: string }> }>(
        'GET',
        '/api/v1/nodes',
        undefined,
        token,
      );
      const first = r.body?.items?.find((n) => n.name === 'panelnode');
      if (r.status === 200 && first) {
        node = first;
        break;
      }
      if (Date.now() > deadline) throw new Error(`no node listed: ${r.status} ${JSON.stringify(r.body)}`);
      await new Promise((res) => setTimeout(res, 500));
    }
    tp = await openPage(browser, { viewport: { width: 1400, height: 1400 } });
    await tp.page.goto(dashUrl(d.url, `tab=nodes&node=${encodeURIComponent(node.id)}`));
    await signIn(tp.page, ADMIN.username, ADMIN.password);
    console.log(`metrics panel: ${chromiumVersion()}, node ${node.id} (${node.name})`);
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await fleet?.stop();
    await d?.stop();
  });

  it('is listed as granted, with what it declares', async () => {
    const list = await d.call<{ items: Array<Record<string, unknown>> }>(
      'GET',
      '/api/v1/ui/panels',
      undefined,
      token,
    );
    expect(list.status).toBe(200);
    expect(list.body.items.filter((p) => p.plugin === 'metrics')).toEqual([
      expect.objectContaining({
        plugin: 'metrics',
        id: 'node-usage',
        title: 'CPU and memory of this node',
        slot: 'node-page',
        topics: ['metrics.sample'],
        reads: ['/api/v1/metrics/query'],
        actions: [],
      }),
    ]);
  });

  it('the node page shows it with the real CPU and memory numbers of this node, as the kernel answers them', async () => {
    const { page } = tp;
    const slot = page.locator('[data-panel="metrics/node-usage"]');
    await slot.waitFor({ timeout: 30_000 });
    await expect.poll(async () => (await shown(page))?.state, { timeout: 30_000 }).toBe('live');
    expect((await shown(page))?.node).toBe(node.name);
    // What the panel shows is what the kernel answers for this node: the agent's load reaches the
    // metrics plugin on nodes.load (a joined node's series step 30 s), and the panel reads the
    // newest minute every 5 s, so its newest value follows the kernel's.
    const newest = async (series: string) => {
      const q = await d.call<{ results: Array<{ points: Array<[number, number | null]> }> }>(
        'GET',
        `/api/v1/metrics/query?series=${encodeURIComponent(series)}&node=${encodeURIComponent(node.name)}&from=now-10m&points=240`,
        undefined,
        token,
      );
      expect(q.status).toBe(200);
      return q.body.results[0]?.points.filter((p) => p[1] !== null).at(-1)?.[1] ?? undefined;
    };
    const agree = async () => {
      const [cpu, mem, now] = [
        await newest('cpu.busy{cpu="total"}'),
        await newest('memory.used'),
        await shown(page),
      ];
      if (cpu === undefined || mem === undefined || !now) return 'no data yet';
      const panelCpu = Number(now.cpu.value);
      const panelMem = Number(now.mem.value);
      return now.cpu.value !== '' && Math.abs(panelCpu - cpu) < 1e-6 && Math.abs(panelMem - mem) <= 1
        ? 'agree'
        : `kernel ${cpu} ${mem}, panel ${panelCpu} ${panelMem}`;
    };
    await expect.poll(agree, { timeout: 45_000, interval: 1000 }).toBe('agree');
    const now = await shown(page);
    const cpu = Number(now?.cpu.value);
    expect(cpu).toBeGreaterThanOrEqual(0);
    expect(cpu).toBeLessThanOrEqual(1);
    expect(Number(now?.mem.value)).toBeGreaterThan(0); // bytes in use on this machine, as the agent reported them
    expect(now?.cpu.text).toMatch(/^\d+\.\d %$/);
    expect(now?.mem.text).toMatch(/^\d+\.\d\d GiB$/);
    for (const s of [now?.cpu, now?.mem]) expect(s?.line.split(' ').length).toBe(s?.points); // one vertex per point
    expect(await slot.getAttribute('data-panel-state')).toBe('live');
    expect(tp.pageErrors).toEqual([]);
    expect(tp.cspViolations).toEqual([]); // the panel runs within its policy (no inline script or style)
  });

  it('revoking the panel (PUT /api/v1/plugins/metrics/panels) removes it from the node page', async () => {
    const put = await d.call('PUT', '/api/v1/plugins/metrics/panels', { panels: [] }, token);
    expect(put.status).toBe(200);
    await expect
      .poll(
        async () => {
          const l = await d.call<{ items: Array<{ plugin: string }> }>(
            'GET',
            '/api/v1/ui/panels',
            undefined,
            token,
          );
          return l.body.items?.filter((p) => p.plugin === 'metrics').length;
        },
        { timeout: 30_000 },
      )
      .toBe(0);
    const view = await d.call<{ panels?: Array<{ id: string; granted: boolean }> }>(
      'GET',
      '/api/v1/plugins/metrics',
      undefined,
      token,
    );
    expect(view.body.panels).toEqual([expect.objectContaining({ id: 'node-usage', granted: false })]);
    const { page } = tp;
    await page.reload();
    await page.getByRole('navigation', { name: 'Sections' }).waitFor();
    await page.locator('#node-charts').waitFor({ timeout: 30_000 });
    expect(await page.locator('[data-panel="metrics/node-usage"]').count()).toBe(0);
    expect(metricsFrame(page)).toBeUndefined();
  });
});
