import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDirForFile } from '../helpers/temp-dir.js';
import { ensureChromium } from './chromium.js';
import { type FleetDashboard, startFleetDashboard } from './fleet-dashboard.js';
import {
  dashUrl,
  seriousAxeViolations,
  settled,
  type TrackedPage,
  until,
  waitForTheme,
} from './page-helpers.js';

const skip = ensureChromium();
if (skip) console.warn(`SKIP dashboard network tests: ${skip}`);

/** Screenshots of this run, for looking at while it runs: removed at its end (docs/screenshots comes from screenshots.test.ts, with every plugin and real agents). */
const SHOTS = tempDirForFile('omega-shots-');

// biome-ignore lint/suspicious/noExplicitAny: API answers are read as loose JSON here, as the UI does
type Doc = any;

/**
 * The Network tab against a real kernel (nodes, resources, metrics, security, dashboard) with
 * two real agents probing each other and the kernel every second on loopback: the heat table,
 * the interface table, the topology and the quality list are compared with the plugin's API.
 */
describe.skipIf(skip !== null)('Network tab in Chromium: real kernel, real agents probing', () => {
  let f: FleetDashboard;
  let d: FleetDashboard['d'];
  let tp: TrackedPage;
  const api = (path: string) => f.get(path);

  beforeAll(async () => {
    f = await startFleetDashboard({
      plugins: ['nodes', 'resources'],
      agents: ['a1', 'a2'],
      tab: 'network',
      // Both directions between the agents and each agent to the kernel measured.
      ready: (x) =>
        until(
          async () => {
            const m = await x.get('/resources/network/latency');
            const got = (m.cells ?? []).filter((c: Doc) => c.received > 0);
            return got.filter((c: Doc) => c.to !== 'kernel').length === 2 &&
              got.filter((c: Doc) => c.to === 'kernel').length === 2
              ? m
              : undefined;
          },
          60_000,
          'the latency matrix to fill',
        ),
    });
    ({ d, tp } = f);
  }, 180_000);
  afterAll(() => f?.stop(), 60_000);

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
    const table = page.getByTestId('fleet-interfaces');
    await table.waitFor();
    // Shared machine: interfaces come and go with other tests, so compare at the same moment.
    let net: Doc;
    await expect
      .poll(async () => {
        net = await api('/resources/network');
        const expected = net.items.flatMap((n: Doc) =>
          n.interfaces.list.map((i: Doc) => `${n.id}/${i.name}`),
        );
        const shown = await table.locator('tbody tr').evaluateAll((rows) =>
          rows.map((r) => {
            const ds = (r as unknown as { dataset: Record<string, string> }).dataset;
            return `${ds.node}/${ds.interface}`;
          }),
        );
        return JSON.stringify(shown.sort()) === JSON.stringify(expected.sort())
          ? 'same'
          : `${shown} vs ${expected}`;
      })
      .toBe('same');
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
    const svg = page.getByTestId('topology').locator('svg');
    await svg.waitFor();
    // The machine is shared (other tests add and remove interfaces): the page re-reads on
    // network events, so compare it with what the API answers at the same moment.
    await expect
      .poll(async () => {
        const topo = await api('/resources/network/topology');
        const shown = [
          await svg.locator('g[data-subnet]').count(),
          await svg.locator('g[data-node]').count(),
          await svg.locator('line').count(),
        ];
        const want = [topo.subnets.length, topo.nodes.length, topo.links.length];
        return JSON.stringify(shown) === JSON.stringify(want) ? 'same' : `${shown} vs ${want}`;
      })
      .toBe('same');
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
