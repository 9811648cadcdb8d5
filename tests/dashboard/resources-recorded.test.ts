import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ReporterHost, startResourceReporters } from '../../agent/src/resources/index.js';
import { laptopFiles } from '../../agent/test/resources/helpers/laptop-tree.js';
import {
  copyTree,
  HOSTINFO_FIXTURES,
  procStat,
  removeTrees,
  replay,
  tree,
  writeFiles,
} from '../../agent/test/resources/helpers/trees.js';
import { newIdentity, type Ops, ProtocolAgent } from '../../plugins/nodes/test/helpers/protocol-agent.js';
import { ensureChromium, launchChromium } from './chromium.js';
import { ADMIN, type DashboardKernel, startDashboardKernel } from './dashboard-kernel.js';
import {
  dashUrl,
  openPage,
  seriousAxeViolations,
  settled,
  signIn,
  type TrackedPage,
  until,
} from './page-helpers.js';

const skip = ensureChromium();
if (skip) console.warn(`SKIP dashboard recorded-resources tests: ${skip}`);

// biome-ignore lint/suspicious/noExplicitAny: API answers are read as loose JSON here, as the UI does
type Doc = any;

const GHZ = 1_000_000;
const MDSTAT = (stage: string) =>
  readFileSync(join(HOSTINFO_FIXTURES, `qemu-2node/mdstat/${stage}.txt`), 'utf8');

/**
 * What this VM lacks (2 NUMA nodes, md RAID, sensors, throttling), drawn from recorded and
 * hand-written machines through the agent's real reporters over real gateway connections (a
 * protocol peer with real keys) to a real kernel with the nodes and resources plugins: the real
 * capture of a 2-node qemu VM whose md RAID 1 is recovering after losing a member
 * (hostinfo/test/fixtures), and the hand-written throttling laptop of agent/test/resources
 * (labelled so). The page must show what the API says.
 */
describe.skipIf(skip !== null)(
  'Resources tab with recorded machines: NUMA distances, md recovery, sensors, throttling',
  () => {
    let d: DashboardKernel;
    let browser: Browser;
    let tp: TrackedPage;
    let token: string;
    const stops: Array<() => void> = [];
    const agents: ProtocolAgent[] = [];
    const call = async (path: string) => (await d.call<Doc>('GET', `/api/v1${path}`, undefined, token)).body;

    /** A protocol peer named `name` joined with `joinToken`, whose reporters read the tree at `root`. */
    async function recorded(name: string, joinToken: string, root: string, slowEveryMs?: number) {
      const ops: Ops = {};
      const agent = new ProtocolAgent({ url: d.url, identity: newIdentity(), name, token: joinToken, ops });
      const joined = await agent.connect();
      expect(joined.ok).toBe(true);
      agent.startHeartbeats(1000);
      agents.push(agent);
      const host: ReporterHost = {
        report: (topic, data) => agent.send({ k: 'report', topic, data }),
        connected: () => true,
        ops: {
          register(op, handler) {
            ops[op] = (args) => handler(args, { id: 'x', op, signal: new AbortController().signal });
            return () => delete ops[op];
          },
        },
        log: { debug() {}, info() {}, warn() {}, error() {} },
      };
      const r = startResourceReporters(host, {
        root,
        run: replay({}),
        reportEveryMs: 3_600_000,
        ...(slowEveryMs ? { slowEveryMs } : {}),
      });
      stops.push(r.stop);
      return r;
    }

    beforeAll(async () => {
      [d, browser] = await Promise.all([startDashboardKernel(['nodes', 'resources']), launchChromium()]);
      token = await d.bootstrapAdmin();
      const minted = await d.call<Doc>('POST', '/api/v1/nodes/tokens', { ttl: '10m', uses: 2 }, token);
      expect(minted.status).toBe(201);

      const qemu = copyTree(join(HOSTINFO_FIXTURES, 'qemu-2node/numa-2node'));
      writeFiles(qemu, { 'proc/mdstat': MDSTAT('5-recovery') });
      const q = await recorded('qemu2', minted.body.token, qemu);

      const laptop = tree({
        ...laptopFiles({ cores: [0, 0, 0, 0], pkg: 0, curKhz: [4.2 * GHZ, 4.2 * GHZ, 4.2 * GHZ, 4.2 * GHZ] }),
        'proc/stat': procStat([
          [0, 0, 0],
          [0, 0, 0],
          [0, 0, 0],
          [0, 0, 0],
        ]),
      });
      const l = await recorded('laptop', minted.body.token, laptop, 500);
      await new Promise((r) => setTimeout(r, 1500));
      // The package throttles twice, cores 0 and 1 three times each (as agent/test/resources plays it).
      writeFiles(laptop, {
        ...laptopFiles({ cores: [3, 3, 0, 0], pkg: 2, curKhz: [4.2 * GHZ, 4.2 * GHZ, 1.2 * GHZ, 1.2 * GHZ] }),
        'proc/stat': procStat([
          [5, 0, 95],
          [5, 0, 95],
          [90, 0, 10],
          [90, 0, 10],
        ]),
      });
      await new Promise((r) => setTimeout(r, 1500));
      await Promise.all([q.reportNow(), l.reportNow()]);
      await until(
        async () => {
          const r = await call('/resources');
          const by = (n: string) => r.items?.find((x: Doc) => x.name === n);
          const md = by('qemu2')?.summary?.health?.md;
          const th = by('laptop')?.summary?.thermal?.throttle;
          return md?.available && th?.available && th.count > 0 ? r : undefined;
        },
        30_000,
        'both recorded machines to report',
      );
      tp = await openPage(browser, { viewport: { width: 1400, height: 1000 } });
      await tp.page.goto(dashUrl(d.url, 'tab=resources'));
      await signIn(tp.page, ADMIN.username, ADMIN.password);
    }, 180_000);
    afterAll(async () => {
      for (const s of stops) s();
      for (const a of agents) a.close();
      await browser?.close();
      await d?.stop();
      removeTrees();
    }, 60_000);

    it('the 2-node capture: both NUMA nodes, the distance matrix, md0 degraded and recovering, the critical problem', async () => {
      const { page } = tp;
      const n = await call('/resources/nodes/qemu2');
      await page.goto(dashUrl(d.url, `tab=resources&node=${n.id}`));
      await settled(page);
      await page.getByText('Detail read at').waitFor();
      const detail = (await call(`/resources/nodes/${n.id}/detail`)).detail;
      const topo = detail.numa.topology;
      expect(topo.nodes).toHaveLength(2);
      expect(await page.getByTestId('numa-nodes').locator('tbody tr').count()).toBe(2);
      const cells = await page.getByTestId('numa-distances').locator('tbody td').allTextContents();
      expect(cells.map(Number)).toEqual(topo.distances.flat());
      expect(cells).toContain('21');
      const md = detail.health.md.arrays.find((a: Doc) => a.name === 'md0');
      const row = page.getByTestId('md-arrays').locator('tbody tr').filter({ hasText: 'md0' });
      const text = (await row.textContent()) ?? '';
      expect(text).toContain(md.level);
      expect(text).toContain(md.health);
      expect(text).toContain(`[${md.slotStatus}]`);
      expect(text).toContain(md.sync.action);
      const progress = Number(await row.locator('progress').getAttribute('value'));
      expect(progress).toBeCloseTo(md.sync.fraction, 6);
      const problem = n.problems.find((p: Doc) => p.kind === 'md-degraded');
      expect(problem.severity).toBe('critical');
      const problems = await page.getByTestId('problems').textContent();
      expect(problems).toContain(problem.message);
      expect(await seriousAxeViolations(page)).toEqual([]);
    });

    it('the throttling laptop: every sensor with max and critical, "throttled N times", the fleet row', async () => {
      const { page } = tp;
      const n = await call('/resources/nodes/laptop');
      await page.goto(dashUrl(d.url, `tab=resources&node=${n.id}`));
      await settled(page);
      await page.getByText('Detail read at').waitFor();
      const detail = (await call(`/resources/nodes/${n.id}/detail`)).detail;
      const sensors = detail.thermal.sensors.sensors as Doc[];
      const rows = page.getByTestId('sensors').locator('tbody tr');
      expect(await rows.count()).toBe(sensors.length);
      const pkg = sensors.find((s) => s.label === 'Package id 0');
      const pkgRow = rows.filter({ hasText: 'Package id 0' }).first();
      const cellsText = await pkgRow.locator('td').allTextContents();
      expect(cellsText[0]).toContain(`${pkg.celsius} °C`);
      expect(cellsText[1]).toBe(`${pkg.maxCelsius} °C`);
      expect(cellsText[2]).toBe(`${pkg.criticalCelsius} °C`);
      // 99 °C with a critical of 100: within 5 °C, marked critical.
      expect(await pkgRow.locator('.sev-critical').count()).toBe(1);
      const th = detail.thermal.throttle;
      await expect
        .poll(() => page.getByTestId('throttle').textContent())
        .toContain(`throttled ${th.count} times in the last hour`);
      await page.goto(dashUrl(d.url, 'tab=resources'));
      await settled(page);
      const fleetRow = page.locator('tr', { has: page.locator(`[data-node-link="${n.id}"]`) });
      expect(await fleetRow.locator('[data-col="hot"]').textContent()).toBe(
        `${n.summary.thermal.sensors.hottest.celsius} °C`,
      );
      expect(await seriousAxeViolations(page)).toEqual([]);
      expect(tp.cspViolations).toEqual([]);
      expect(tp.pageErrors).toEqual([]);
    });
  },
);
