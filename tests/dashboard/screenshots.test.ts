import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDirForFile } from '../helpers/temp-dir.js';
import { ensureChromium } from './chromium.js';
import { ADMIN } from './dashboard-kernel.js';
import { type FleetDashboard, startFleetDashboard } from './fleet-dashboard.js';
import {
  dashUrl,
  overflowByTab,
  seriousAxeViolations,
  settled,
  type TrackedPage,
  until,
  waitForTab,
  waitForTheme,
} from './page-helpers.js';

const skip = ensureChromium();
if (skip) console.warn(`SKIP dashboard screenshots: ${skip}`);

/** Every tab of the dashboard (shell/tab-registry.ts). */
const TABS = [
  'dashboard',
  'nodes',
  'sessions',
  'resources',
  'network',
  'performance',
  'alerts',
  'security',
  'plugins',
];
/** OMEGA_SCREENSHOTS=1 refreshes the committed screenshots in docs/screenshots; otherwise they go to a temp dir, removed at the end. */
const SHOTS =
  process.env.OMEGA_SCREENSHOTS === '1'
    ? join(import.meta.dirname, '..', '..', 'docs', 'screenshots')
    : tempDirForFile('omega-shots-');

// biome-ignore lint/suspicious/noExplicitAny: API answers are read as loose JSON here, as the UI does
type Doc = any;

/**
 * Every tab with every plugin installed and real data: a real kernel (security, metrics, nodes,
 * sessions, resources, dashboard), two real agents reporting this machine's resources and
 * probing each other, a running session and a firing alert. Each tab, light and dark, must pass
 * axe with no serious or critical issue and no CSP violation; the screenshots of this run are
 * the ones committed under docs/screenshots (OMEGA_SCREENSHOTS=1).
 */
describe.skipIf(skip !== null)(
  'every tab with every plugin and real agents (the documented screenshots)',
  () => {
    let f: FleetDashboard;
    let d: FleetDashboard['d'];
    let tp: TrackedPage;
    let session = '';
    const call = (method: string, path: string, body?: unknown) => f.call(method, path, body);

    beforeAll(async () => {
      f = await startFleetDashboard({
        plugins: ['nodes', 'sessions', 'resources'],
        agents: ['rack1-node1', 'rack1-node2'],
        tab: 'dashboard',
        viewport: { width: 1400, height: 900 },
        ready: async (x) => {
          const rule = await x.call('POST', '/metrics/alerts/rules', {
            id: 'cpu-any',
            series: 'cpu.busy{cpu="total"}',
            comparator: '>=',
            threshold: 0,
            severity: 'warning',
            summary: 'CPU is measured',
          });
          expect(rule.status).toBe(201);
          await until(
            async () => {
              const r = await x.get('/resources');
              const m = await x.get('/resources/network/latency');
              const measured = (m.cells ?? []).filter((c: Doc) => c.received > 0 && c.to !== 'kernel').length;
              return r.items?.filter((n: Doc) => 'v' in n.summary).length === 2 && measured === 2
                ? r
                : undefined;
            },
            90_000,
            'both agents to report resources and probe each other',
          );
          const s = await x.call('POST', '/sessions', {
            name: 'train-resnet',
            command: 'sleep',
            args: ['600'],
            resources: { millicores: 250, memory: '64M' },
          });
          expect(s.status).toBe(201);
          session = s.body.id;
          await until(
            async () => {
              const st = (await x.get(`/sessions/${session}`)).status;
              if (st.state === 'failed') throw new Error(`the session failed: ${st.reason}`);
              return st.state === 'running' ? true : undefined;
            },
            60_000,
            'the session to run',
          );
        },
      });
      ({ d, tp } = f);
      mkdirSync(SHOTS, { recursive: true });
    }, 240_000);
    afterAll(async () => {
      if (session)
        await call('POST', `/sessions/${session}/terminate`, { graceMs: 0 }).catch(() => undefined);
      await f?.stop();
    }, 60_000);

    for (const theme of ['light', 'dark'] as const) {
      it(`every tab shows real data; axe finds no serious or critical issue (${theme})`, async () => {
        const { page } = tp;
        await page.goto(dashUrl(d.url, 'tab=dashboard'));
        await settled(page);
        await page.getByLabel('Colour scheme').first().selectOption(theme);
        await waitForTheme(page, theme);
        const found: Record<string, unknown[]> = {};
        for (const tab of TABS) {
          await page.locator(`[data-tab-link="${tab}"]`).click();
          await waitForTab(page, tab);
          await settled(page);
          // Nothing says "not installed": every plugin answers.
          expect(await page.locator('[data-state="not-installed"]').count(), tab).toBe(0);
          const v = await seriousAxeViolations(page);
          if (v.length > 0) found[tab] = v;
          await page.screenshot({ path: join(SHOTS, `${tab}-${theme}.png`) });
        }
        const nodeId = (await f.get('/nodes/rack1-node1')).id;
        await page.goto(dashUrl(d.url, `tab=resources&node=${nodeId}`));
        await settled(page);
        await page.locator(`[data-node="${nodeId}"]`).waitFor();
        await page.getByText('Detail read at').waitFor();
        await page.screenshot({ path: join(SHOTS, `resources-node-${theme}.png`), fullPage: true });
        expect(found).toEqual({});
        expect(tp.cspViolations).toEqual([]);
        expect(tp.pageErrors).toEqual([]);
      });
    }

    it('fits 360 px: Dashboard, Nodes, Sessions, Alerts', async () => {
      const tabs = ['dashboard', 'nodes', 'sessions', 'alerts'];
      expect(await overflowByTab(f.browser, d.url, ADMIN, tabs, SHOTS)).toEqual(
        Object.fromEntries(tabs.map((t) => [t, 0])),
      );
    });
  },
);
