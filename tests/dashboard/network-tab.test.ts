import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureChromium, launchChromium } from './chromium.js';
import { ADMIN, type DashboardKernel, startDashboardKernel } from './dashboard-kernel.js';
import { type FleetAgents, startFleetAgents } from './fleet-agents.js';
import {
  dashUrl,
  openPage,
  seriousAxeViolations,
  signIn,
  type TrackedPage,
  waitForIdle,
  waitForTheme,
} from './page-helpers.js';

const skip = ensureChromium();
if (skip) console.warn(`SKIP dashboard network tests: ${skip}`);

/** Screenshots of this run, for looking at (docs/screenshots comes from screenshots.test.ts, with every plugin and real agents). */
const SHOTS = mkdtempSync(join(tmpdir(), 'omega-shots-'));

// biome-ignore lint/suspicious/noExplicitAny: API answers are read as loose JSON here, as the UI does
type Doc = any;

async function until<T>(fn: () => Promise<T | undefined>, ms: number, what: string): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

async function settled(page: Page): Promise<void> {
  await page.locator('[data-conn="live"]').waitFor();
  await waitForIdle(page);
}

/**
 * The Network tab against a real kernel (nodes, resources, metrics, security, dashboard) with
 * two real agents probing each other and the kernel every second on loopback: the heat table,
 * the interface table, the topology and the quality list are compared with the plugin's API.
 */
describe.skipIf(skip !== null)('Network tab in Chromium: real kernel, real agents probing', () => {
  let d: DashboardKernel;
  let browser: Browser;
  let tp: TrackedPage;
  let fleet: FleetAgents;
  let token: string;
  const api = async (path: string) => (await d.call<Doc>('GET', `/api/v1${path}`, undefined, token)).body;

  beforeAll(async () => {
    [d, browser] = await Promise.all([startDashboardKernel(['nodes', 'resources']), launchChromium()]);
    token = await d.bootstrapAdmin();
    fleet = await startFleetAgents(d, token, ['a1', 'a2']);
    // Both directions between the agents and each agent to the kernel measured.
    await until(
      async () => {
        const m = await api('/resources/network/latency');
        const got = (m.cells ?? []).filter((c: Doc) => c.received > 0);
        return got.filter((c: Doc) => c.to !== 'kernel').length === 2 &&
          got.filter((c: Doc) => c.to === 'kernel').length === 2
          ? m
          : undefined;
      },
      60_000,
      'the latency matrix to fill',
    );
    mkdirSync(SHOTS, { recursive: true });
    tp = await openPage(browser, { viewport: { width: 1400, height: 1000 } });
    await tp.page.goto(dashUrl(d.url, 'tab=network'));
    await signIn(tp.page, ADMIN.username, ADMIN.password);
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await fleet?.stop();
    await d?.stop();
  }, 60_000);

  it('draws the latency matrix as a heat table coloured by the plugin, details on hover', async () => {
    const { page } = tp;
    await page.goto(dashUrl(d.url, 'tab=network'));
    await settled(page);
    const table = page.getByTestId('latency-matrix');
    await table.waitFor();
    const m = await api('/resources/network/latency');
    expect(await table.locator('tbody tr').count()).toBe(m.nodes.length);
    expect(await table.locator('thead th').count()).toBe(m.targets.length + 1);
    const a1 = m.nodes.find((n: Doc) => n.name === 'a1').id;
    const a2 = m.nodes.find((n: Doc) => n.name === 'a2').id;
    for (const [from, to] of [
      [a1, a2],
      [a2, a1],
      [a1, 'kernel'],
    ]) {
      const cell = table.locator(`td[data-from="${from}"][data-to="${to}"]`);
      // The page re-reads on network events: compare with what the API says now, on both sides.
      await expect
        .poll(async () => {
          const now = (await api('/resources/network/latency')).cells.find(
            (c: Doc) => c.from === from && c.to === to,
          );
          const status = await cell.getAttribute('data-status');
          const cls = await cell.getAttribute('class');
          const title = (await cell.getAttribute('title')) ?? '';
          return status === now.status &&
            cls?.includes(now.status === 'ok' ? 'heat-ok' : 'heat-') &&
            title.includes('RTT min')
            ? 'ok'
            : `${status} vs ${now.status}`;
        })
        .toBe('ok');
      expect(await cell.textContent()).toMatch(/[\d.]+ \/ [\d.]+ ms/);
      expect(await cell.textContent()).toMatch(/loss/);
    }
    // The diagonal is the node itself, not a measurement.
    expect(await table.locator('td.heat-self').count()).toBe(m.nodes.length);
  });

  it('lists every interface with rates, errors, drops, speed (absent with its reason) and state', async () => {
    const { page } = tp;
    await page.goto(dashUrl(d.url, 'tab=network'));
    await settled(page);
    const net = await api('/resources/network');
    const table = page.getByTestId('fleet-interfaces');
    await table.waitFor();
    const expected = net.items.flatMap((n: Doc) => n.interfaces.list.map((i: Doc) => `${n.id}/${i.name}`));
    const shown = await table
      .locator('tbody tr')
      .evaluateAll((rows) =>
        rows.map(
          (r) =>
            `${(r as unknown as { dataset: Record<string, string> }).dataset.node}/${(r as unknown as { dataset: Record<string, string> }).dataset.interface}`,
        ),
      );
    expect(shown.sort()).toEqual(expected.sort());
    const n0 = net.items[0];
    const i0 = n0.interfaces.list[0];
    const row = table.locator(`tr[data-node="${n0.id}"][data-interface="${i0.name}"]`);
    if (!i0.speed.available)
      expect(await row.locator('[data-absent]').getAttribute('title')).toBe(i0.speed.reason);
    expect(await row.locator('[data-col="rx"]').textContent()).toMatch(/\/s$/);
  });

  it('draws the topology from the plugin (subnets, nodes, one line per address) and the link quality', async () => {
    const { page } = tp;
    await page.goto(dashUrl(d.url, 'tab=network'));
    await settled(page);
    const topo = await api('/resources/network/topology');
    const svg = page.getByTestId('topology').locator('svg');
    await svg.waitFor();
    expect(await svg.locator('g[data-subnet]').count()).toBe(topo.subnets.length);
    expect(await svg.locator('g[data-node]').count()).toBe(topo.nodes.length);
    expect(await svg.locator('line').count()).toBe(topo.links.length);
    const q = (await api('/resources/network/quality')).items;
    const list = page.getByTestId('link-quality');
    for (const x of q) {
      const li = list.locator(`li[data-node="${x.node}"]`);
      await expect.poll(() => li.getAttribute('data-grade')).toBe(x.grade);
      expect(await li.textContent()).toContain(x.name);
    }
    for (const theme of ['light', 'dark'] as const) {
      await page.getByLabel('Colour scheme').first().selectOption(theme);
      await waitForTheme(page, theme);
      await settled(page);
      expect(await seriousAxeViolations(page), theme).toEqual([]);
      await page.screenshot({ path: join(SHOTS, `network-${theme}.png`), fullPage: true });
    }
    expect(tp.cspViolations).toEqual([]);
    expect(tp.pageErrors).toEqual([]);
  });
});
