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
  waitForIdle,
  waitForTheme,
} from './page-helpers.js';

const skip = ensureChromium();
if (skip) console.warn(`SKIP dashboard resources tests: ${skip}`);

/** Screenshots of this run, for looking at while it runs: removed at its end (docs/screenshots comes from screenshots.test.ts, with every plugin and real agents). */
const SHOTS = tempDirForFile('omega-shots-');

// biome-ignore lint/suspicious/noExplicitAny: API answers are read as loose JSON here, as the UI does
type Doc = any;

/**
 * The Resources tab against a real kernel (security, metrics, nodes, resources, dashboard) with
 * two real agents reporting this machine's own NUMA, disks, filesystems and health every second:
 * what the page shows is compared with what the plugin's API answers, and absent parts must
 * carry the plugin's reason.
 */
describe.skipIf(skip !== null)('Resources tab in Chromium: real kernel, real agents', () => {
  let f: FleetDashboard;
  let d: FleetDashboard['d'];
  let tp: TrackedPage;
  const api = (path: string) => f.get(path);

  beforeAll(async () => {
    f = await startFleetDashboard({
      plugins: ['nodes', 'resources'],
      agents: ['a1', 'a2'],
      tab: 'resources',
      ready: (x) =>
        until(
          async () => {
            const r = await x.get('/resources');
            return r.items?.filter((n: Doc) => 'v' in n.summary).length === 2 ? r : undefined;
          },
          60_000,
          'both agents to report their resources',
        ),
    });
    ({ d, tp } = f);
  }, 180_000);
  afterAll(() => f?.stop(), 60_000);

  it('lists the fleet as the plugin reports it; absent parts say the reason, never zero', async () => {
    const { page } = tp;
    await page.goto(dashUrl(d.url, 'tab=resources'));
    await settled(page);
    const list = await api('/resources');
    const totals = page.getByTestId('fleet-totals');
    await expect
      .poll(() => totals.textContent())
      .toContain(`${list.cluster.reporting} of ${list.cluster.nodes} nodes`);
    for (const n of list.items) {
      const row = page.locator('tr', { has: page.locator(`[data-node-link="${n.id}"]`) });
      await expect.poll(() => row.textContent()).toContain(n.name);
      const sensors = n.summary.thermal.sensors;
      const hot = row.locator('[data-col="hot"]');
      if (sensors.available) expect(await hot.textContent()).toContain('°C');
      else {
        // Absent: a word and the plugin's reason on hover, never "0 °C".
        expect(await hot.textContent()).toBe('absent');
        expect(await hot.getAttribute('title')).toBe(sensors.reason);
      }
      const root = n.summary.storage.filesystems.list.find((f: Doc) => f.mount === '/');
      if (root) expect(await row.textContent()).toMatch(/%/);
    }
    // The kernel host's own snapshot stays under the fleet.
    await page.locator('#res-cpu').waitFor();
    const v = await seriousAxeViolations(page);
    expect(v).toEqual([]);
  });

  it('opens a node from the fleet (URL state): NUMA with distances, per-core load, iostat, filesystems, health', async () => {
    const { page } = tp;
    await page.goto(dashUrl(d.url, 'tab=resources'));
    await settled(page);
    const list = await api('/resources');
    const a1 = list.items.find((n: Doc) => n.name === 'a1');
    await page.locator(`[data-node-link="${a1.id}"]`).click();
    await expect.poll(() => new URL(page.url()).searchParams.get('node')).toBe(a1.id);
    await page.locator(`[data-node="${a1.id}"]`).waitFor();
    await expect.poll(() => page.getByRole('status').filter({ hasText: 'Detail read at' }).count()).toBe(1);
    const detail = (await api(`/resources/nodes/${a1.id}/detail`)).detail;

    const topo = detail.numa.topology;
    if (topo.available) {
      await expect
        .poll(() => page.getByTestId('numa-nodes').locator('tbody tr').count())
        .toBe(topo.nodes.length);
      const cells = await page.getByTestId('numa-distances').locator('tbody td').allTextContents();
      expect(cells.map(Number)).toEqual(topo.distances.flat());
      expect(await page.getByTestId('core-load').locator('meter').count()).toBe(detail.numa.cpu.cores.length);
    } else {
      expect(await page.locator('[data-section="numa"] [data-absent]').first().textContent()).toContain(
        topo.reason,
      );
    }

    const disks = detail.storage.disks;
    if (disks.available) {
      const names = await page.getByTestId('disks').locator('tbody th').allTextContents();
      expect(names).toEqual(disks.devices.map((x: Doc) => x.name));
      const head = await page.getByTestId('disks').locator('thead').textContent();
      for (const col of ['r/s', 'w/s', 'r_await', 'w_await', '%util']) expect(head).toContain(col);
    }
    const fss = detail.storage.filesystems;
    expect(fss.available).toBe(true);
    const mounts = await page.getByTestId('filesystems').locator('tbody th').allTextContents();
    expect(mounts).toEqual(fss.list.map((f: Doc) => f.mount));
    const rootRow = page
      .getByTestId('filesystems')
      .locator('tbody tr')
      .filter({ has: page.locator('th', { hasText: /^\/$/ }) });
    const root = fss.list.find((f: Doc) => f.mount === '/');
    // "full in N days" is an estimate: with too few samples it says so, with the agent's reason.
    if (root.full.status === 'filling') expect(await rootRow.textContent()).toContain('full in');
    else expect(await rootRow.textContent()).toContain(root.full.reason);

    // Each part this VM lacks shows the plugin's reason.
    for (const [section, part] of [
      ['thermal', detail.thermal.sensors],
      ['thermal', detail.thermal.throttle],
      ['health', detail.health.md],
      ['health', detail.health.smart],
    ] as const) {
      if (part.available) continue;
      const texts = await page.locator(`[data-section="${section}"] [data-absent]`).allTextContents();
      expect(
        texts.some((x) => x.includes(part.reason)),
        `${section}: ${part.reason}`,
      ).toBe(true);
    }
    if (detail.thermal.throttle.available)
      expect(await page.getByTestId('throttle').textContent()).toContain(
        `throttled ${detail.thermal.throttle.count} times in the last`,
      );

    // The selection is in the URL: a reload shows the same node; the picker goes back to the fleet.
    await page.reload();
    await settled(page);
    await page.locator(`[data-node="${a1.id}"]`).waitFor();
    expect(await page.getByTestId('node-picker').inputValue()).toBe(a1.id);
    for (const theme of ['light', 'dark'] as const) {
      await page.getByLabel('Colour scheme').first().selectOption(theme);
      await waitForTheme(page, theme);
      await waitForIdle(page);
      expect(await seriousAxeViolations(page), theme).toEqual([]);
      await page.screenshot({ path: join(SHOTS, `resources-node-${theme}.png`), fullPage: true });
    }
    await page.getByTestId('node-picker').selectOption('');
    await expect.poll(() => new URL(page.url()).searchParams.get('node')).toBe(null);
    await page.getByTestId('fleet-totals').waitFor();
    for (const theme of ['light', 'dark'] as const) {
      await page.getByLabel('Colour scheme').first().selectOption(theme);
      await waitForTheme(page, theme);
      await settled(page);
      await page.screenshot({ path: join(SHOTS, `resources-${theme}.png`) });
    }
    expect(tp.cspViolations).toEqual([]);
    expect(tp.pageErrors).toEqual([]);
  });

  it("shows an unknown node with the plugin's coded 404, not an empty page", async () => {
    const { page } = tp;
    await page.goto(dashUrl(d.url, 'tab=resources&node=no-such-node'));
    await settled(page);
    await expect
      .poll(() => page.locator('[role="alert"], [data-state="not-installed"]').first().textContent())
      .toMatch(/\w/);
  });
});
