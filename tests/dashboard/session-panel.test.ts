import { join } from 'node:path';
import type { Browser, Frame, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumVersion, ensureChromium, launchChromium } from './chromium.js';
import { ADMIN, type DashboardKernel, startDashboardKernel } from './dashboard-kernel.js';
import { type FleetAgents, startFleetAgents } from './fleet-agents.js';
import { dashUrl, openPage, seriousAxeViolations, signIn, type TrackedPage, until } from './page-helpers.js';
import { grantPanels, writePanelPlugin } from './panel-fixtures.js';

const skip = ensureChromium();
if (skip) console.warn(`SKIP session panel tests: ${skip}`);

// biome-ignore lint/suspicious/noExplicitAny: API answers are read as loose JSON here, as the panel does
type Doc = any;

/** The frame of a plugin's panel (its own site: `<plugin>.localhost`). */
function frameOf(page: Page, plugin: string): Frame | undefined {
  return page.frames().find((x) => x.url().includes(`//${plugin}.localhost:`));
}

/** What the sessions panel shows: its state, the session, and each figure's exact value (`data-value`). */
async function shown(page: Page) {
  const f = frameOf(page, 'sessions');
  if (!f) return undefined;
  return f
    .evaluate(() => {
      // The frame's DOM, typed structurally (the tests compile without DOM types).
      type El = { dataset: Record<string, string | undefined>; textContent: string | null };
      const doc = (globalThis as unknown as { document: { getElementById(id: string): El } }).document;
      const el = (id: string) => doc.getElementById(id);
      const v = (id: string) => el(id).dataset.value ?? '';
      return {
        state: el('usage').dataset.state,
        session: el('usage').dataset.session,
        sessionState: el('usage').dataset.sessionState,
        at: el('usage').dataset.at,
        cpu: v('cpu-value'),
        cpuAt: el('cpu-value').dataset.at ?? '',
        thr: v('throttled-ratio'),
        thrAt: el('throttled-ratio').dataset.at ?? '',
        cpuPoints: Number(el('cpu-value').dataset.points ?? 0),
        memPoints: Number(el('mem-value').dataset.points ?? 0),
        mem: v('mem-value'),
        memText: el('mem-value').textContent ?? '',
        cpuLimit: v('cpu-limit'),
        memLimit: v('mem-limit'),
        cpuTime: v('cpu-time'),
        throttled: v('throttled'),
        peak: v('mem-peak'),
        tasks: v('tasks'),
        enforced: el('enforced').textContent ?? '',
      };
    })
    .catch(() => undefined);
}

/** The figures of `GET /sessions/{id}/usage` in the panel's form (`data-value` strings; '' when absent). */
function expected(u: Doc) {
  const s = (x: unknown) => (typeof x === 'number' ? String(x) : '');
  return {
    at: u.usage?.at ?? '',
    mem: s(u.usage?.memoryCurrentBytes),
    cpuTime: s(u.usage?.cpuTotalSec),
    throttled: s(u.usage?.throttledSec),
    peak: s(u.peakMemoryBytes),
    tasks: s(u.usage?.pidsCurrent),
    cpuLimit: s(u.limits.cores ?? (u.limits.millicores === null ? null : u.limits.millicores / 1000)),
    memLimit: s(u.limits.memoryBytes),
  };
}

/**
 * The sessions plugin's own panel and the `session-page` and `tab` slots (issue #19), as shipped:
 * plugins/sessions built and sealed by the real `buildPlugin` (ui.integrity covers
 * plugins/sessions/panels/), granted by plugins/grants.json, hosted on a session's page of the
 * real dashboard, its numbers from a real session run by a real agent in its cgroup; and a
 * fixture plugin's `tab` panel, a top-level tab framed only once opened. Revoking either hides it
 * without a reload.
 */
describe.skipIf(skip !== null)("the sessions plugin's session panel and the tab slot, in Chromium", () => {
  let d: DashboardKernel;
  let browser: Browser;
  let tp: TrackedPage;
  let token: string;
  let fleet: FleetAgents;
  let session: string;
  const api = async (method: string, path: string, body?: unknown) =>
    d.call<Doc>(method, `/api/v1${path}`, body, token);

  beforeAll(async () => {
    [d, browser] = await Promise.all([
      startDashboardKernel(['nodes', 'sessions'], {
        addPlugins: async (dir) => {
          // A third-party plugin with one `tab` panel that records what the shell gave it.
          await writePanelPlugin(dir, 'tabfix', [
            {
              id: 'board',
              title: 'Fixture board',
              slot: 'tab',
              js: `__omega.then(({ init }) => {
  document.body.dataset.slot = init.slot;
  document.body.dataset.context = JSON.stringify(init.context);
  document.body.dataset.framedAt = String(Date.now());
});`,
            },
          ]);
          grantPanels(dir, 'tabfix', ['board']);
        },
      }),
      launchChromium(),
    ]);
    token = await d.bootstrapAdmin();
    fleet = await startFleetAgents(d, token, ['sessnode'], { resources: false });
    await until(
      async () => {
        const n = (await api('GET', '/nodes')).body?.items?.find((x: Doc) => x.name === 'sessnode');
        return n?.status?.state === 'ready' ? n : undefined;
      },
      60_000,
      'node sessnode to be ready',
    );
    // A real session that keeps its CPU share busy (capped at 0.2 cores, so it is throttled).
    const created = await api('POST', '/sessions', {
      name: 'panel-job',
      command: 'sh',
      args: ['-c', 'while :; do :; done'],
      resources: { millicores: 200, memory: '64M' },
      timeLimit: '10m',
    });
    if (created.status !== 201) throw new Error(`session: ${created.status} ${JSON.stringify(created.body)}`);
    session = created.body.id;
    await until(
      async () => {
        const u = (await api('GET', `/sessions/${session}/usage`)).body;
        return u?.state === 'running' && u.usage ? u : undefined;
      },
      60_000,
      'the session to run and report usage',
    );
    tp = await openPage(browser, { viewport: { width: 1400, height: 1400 } });
    await tp.page.goto(dashUrl(d.url, `tab=sessions&session=${encodeURIComponent(session)}`));
    await signIn(tp.page, ADMIN.username, ADMIN.password);
    console.log(`session panel: ${chromiumVersion()}, session ${session}`);
  }, 240_000);

  afterAll(async () => {
    if (d && session) await api('POST', `/sessions/${session}/terminate`, { graceMs: 0 }).catch(() => {});
    await browser?.close();
    await fleet?.stop();
    await d?.stop();
  }, 60_000);

  it('both panels are listed as granted, with what they declare', async () => {
    const list = await api('GET', '/ui/panels');
    expect(list.status).toBe(200);
    const mine = list.body.items.filter((p: Doc) => p.plugin === 'sessions' || p.plugin === 'tabfix');
    expect(mine).toEqual([
      expect.objectContaining({
        plugin: 'sessions',
        id: 'session-usage',
        title: 'Resource use of this session',
        slot: 'session-page',
        topics: ['sessions.usage', 'sessions.session.*'],
        reads: ['/api/v1/sessions/{id}/usage', '/api/v1/sessions/{id}', '/api/v1/metrics/query'],
        actions: [],
      }),
      expect.objectContaining({ plugin: 'tabfix', id: 'board', title: 'Fixture board', slot: 'tab' }),
    ]);
  });

  it("the session's page shows the panel with the figures the API answers for that session, live", async () => {
    const { page } = tp;
    const slot = page.locator('[data-panel-slot="session-page"] [data-panel="sessions/session-usage"]');
    await slot.waitFor({ timeout: 30_000 });
    await expect.poll(async () => (await shown(page))?.state, { timeout: 30_000 }).toBe('live');
    expect((await shown(page))?.session).toBe(session);
    // The usage changes every second: the panel agrees with the API once both show the same sample.
    let agreed: Awaited<ReturnType<typeof shown>>;
    const agree = async () => {
      const u = (await api('GET', `/sessions/${session}/usage`)).body;
      const now = await shown(page);
      if (!now?.at) return 'no figures yet';
      const want = expected(u);
      const got = {
        at: now.at,
        mem: now.mem,
        cpuTime: now.cpuTime,
        throttled: now.throttled,
        peak: now.peak,
        tasks: now.tasks,
        cpuLimit: now.cpuLimit,
        memLimit: now.memLimit,
      };
      agreed = now;
      return JSON.stringify(got) === JSON.stringify(want)
        ? 'agree'
        : `api ${JSON.stringify(want)}, panel ${JSON.stringify(got)}`;
    };
    await expect.poll(agree, { timeout: 45_000, interval: 250 }).toBe('agree');
    expect(agreed?.cpuLimit).toBe('0.2');
    expect(agreed?.memLimit).toBe(String(64 * 2 ** 20));
    expect(Number(agreed?.mem)).toBeGreaterThan(0); // the cgroup's own memory counter
    expect(Number(agreed?.cpuTime)).toBeGreaterThan(0); // it has been spinning
    // Tasks: where the node counts them (pids.current), at least the shell; else absent, shown as '–'.
    if (agreed?.tasks !== '') expect(Number(agreed?.tasks)).toBeGreaterThanOrEqual(1);
    console.log(`session panel: agreed with the API on ${JSON.stringify(agreed)}`);
    expect(agreed?.memText).toMatch(/^\d+\.\d MiB \(\d+(\.\d)? % of the limit\)$/);
    // What the node enforces, as the session's own view says.
    const view = (await api('GET', `/sessions/${session}`)).body;
    const lines: string[] = view.status.enforcement ?? [];
    if (lines.length > 0) expect(agreed?.enforced).toBe(lines.join('; '));

    // The rates: the newest point of the metrics plugin's session series, as its API answers it.
    const rateAgrees =
      (name: string, pick: (x: NonNullable<Awaited<ReturnType<typeof shown>>>) => [string, string]) =>
      async () => {
        const q = await api(
          'GET',
          `/metrics/query?series=${encodeURIComponent(`${name}{session="${session}"}`)}&from=now-1m&points=240`,
        );
        expect(q.status).toBe(200);
        const newest = (q.body.results[0]?.points as Array<[number, number | null]> | undefined)
          ?.filter((p) => p[1] !== null)
          .at(-1);
        const now = await shown(page);
        if (!newest || !now || pick(now)[0] === '') return 'no rate yet';
        const [at, value] = pick(now);
        return String(newest[0]) === at && String(newest[1]) === value
          ? 'agree'
          : `api ${newest.join(' ')}, panel ${at} ${value}`;
      };
    await expect
      .poll(
        rateAgrees('session.cpu_cores', (x) => [x.cpuAt, x.cpu]),
        { timeout: 45_000, interval: 250 },
      )
      .toBe('agree');
    await expect
      .poll(
        rateAgrees('session.cpu_throttled_ratio', (x) => [x.thrAt, x.thr]),
        { timeout: 45_000, interval: 250 },
      )
      .toBe('agree');
    const now = await shown(page);
    // Capped at 0.2 cores by its cgroup (a little over is sampling jitter between two reads).
    expect(Number(now?.cpu)).toBeGreaterThan(0);
    expect(Number(now?.cpu)).toBeLessThan(0.5);
    expect(Number(now?.thr)).toBeGreaterThanOrEqual(0);
    expect(now?.cpuPoints).toBeGreaterThan(0);
    expect(now?.memPoints).toBeGreaterThan(0);
    expect(await slot.getAttribute('data-panel-state')).toBe('live');
    expect(await seriousAxeViolations(page)).toEqual([]);
    expect(tp.pageErrors).toEqual([]);
    expect(tp.cspViolations).toEqual([]); // the panel runs within its policy
    // OMEGA_SCREENSHOTS=1 refreshes the picture docs/sessions.md shows.
    if (process.env.OMEGA_SCREENSHOTS === '1')
      await slot.screenshot({
        path: join(import.meta.dirname, '..', '..', 'docs', 'screenshots', 'session-panel.png'),
      });
  });

  it('once the session ends, the panel shows its final figures, equal to what the API answers', async () => {
    const { page } = tp;
    const t = await api('POST', `/sessions/${session}/terminate`, { graceMs: 0 });
    expect([200, 202]).toContain(t.status);
    await expect.poll(async () => (await shown(page))?.state, { timeout: 30_000 }).toBe('ended');
    const final = (await api('GET', `/sessions/${session}/usage`)).body;
    expect(final.state).toBe('cancelled');
    const now = await shown(page);
    expect(now?.sessionState).toBe('cancelled');
    const want = expected(final);
    expect({
      at: now?.at,
      mem: now?.mem,
      cpuTime: now?.cpuTime,
      throttled: now?.throttled,
      peak: now?.peak,
      tasks: now?.tasks,
      cpuLimit: now?.cpuLimit,
      memLimit: now?.memLimit,
    }).toEqual(want);
    expect(now?.cpu).toBe(''); // no rates once ended
    expect(now?.thr).toBe('');
  });

  it('a tab panel is a top-level tab titled from its manifest, framed only once opened', async () => {
    const { page } = tp;
    const link = page.locator('[data-tab-link="tabfix.board"]');
    await link.waitFor({ timeout: 30_000 });
    expect(await link.textContent()).toBe('Fixture board');
    expect(await link.getAttribute('title')).toContain('tabfix');
    // Not open yet: nothing of the plugin is framed.
    expect(frameOf(page, 'tabfix')).toBeUndefined();
    await link.click();
    await expect.poll(() => new URL(page.url()).searchParams.get('tab')).toBe('tabfix.board');
    expect(await link.getAttribute('aria-current')).toBe('page');
    expect(await page.locator('h1.page-title').textContent()).toBe('Fixture board');
    await page.locator('[data-panel="tabfix/board"]').waitFor({ timeout: 30_000 });
    const got = await until(
      async () => {
        const f = frameOf(page, 'tabfix');
        const r = await f
          ?.evaluate(() => {
            const b = (globalThis as unknown as { document: { body: { dataset: Record<string, string> } } })
              .document.body.dataset;
            return b.slot ? { slot: b.slot, context: b.context } : undefined;
          })
          .catch(() => undefined);
        return r;
      },
      30_000,
      'the tab panel to get its init',
    );
    expect(got).toEqual({ slot: 'tab', context: '{}' });
    expect(await page.locator('[data-panel="tabfix/board"]').getAttribute('data-panel-state')).toBe('live');
    expect(await seriousAxeViolations(page)).toEqual([]);
    // Another tab unframes it (only the open tab is rendered).
    await page.locator('[data-tab-link="sessions"]').click();
    await expect.poll(() => frameOf(page, 'tabfix')).toBeUndefined();
    // The Ctrl+K palette lists it among the tabs, and goes there.
    await page.keyboard.press('Control+K');
    const input = page.getByRole('combobox', { name: 'Type a node, session, plugin or action' });
    await input.fill('fixture bo');
    await page
      .getByRole('option', { name: /Fixture board/ })
      .first()
      .waitFor();
    await input.press('Enter');
    await expect.poll(() => new URL(page.url()).searchParams.get('tab')).toBe('tabfix.board');
    await page.locator('[data-panel="tabfix/board"]').waitFor({ timeout: 30_000 });
    await page.locator('[data-tab-link="sessions"]').click();
    await expect.poll(() => frameOf(page, 'tabfix')).toBeUndefined();
    expect(tp.pageErrors).toEqual([]);
  });

  it('revoking hides them without a reload: the tab leaves the bar, the session panel leaves the page', async () => {
    const { page } = tp;
    // Back on the tab panel, then revoke it: the tab leaves the bar and its view says why.
    await page.locator('[data-tab-link="tabfix.board"]').click();
    await page.locator('[data-panel="tabfix/board"]').waitFor({ timeout: 30_000 });
    const put = await api('PUT', '/plugins/tabfix/panels', { panels: [] });
    expect(put.status).toBe(200);
    await expect
      .poll(() => page.locator('[data-tab-link="tabfix.board"]').count(), { timeout: 30_000 })
      .toBe(0);
    await page.locator('[data-panel-tab-missing]').waitFor({ timeout: 30_000 });
    expect(await page.locator('h1.page-title').textContent()).toBe('Plugin tab');
    expect(await page.locator('[data-panel="tabfix/board"]').count()).toBe(0);
    expect(frameOf(page, 'tabfix')).toBeUndefined();

    // The session panel: shown on the session's page, then revoked.
    await page.goto(dashUrl(d.url, `tab=sessions&session=${encodeURIComponent(session)}`));
    const slot = page.locator('[data-panel="sessions/session-usage"]');
    await slot.waitFor({ timeout: 30_000 });
    const revoke = await api('PUT', '/plugins/sessions/panels', { panels: [] });
    expect(revoke.status).toBe(200);
    await expect.poll(() => slot.count(), { timeout: 30_000 }).toBe(0);
    expect(frameOf(page, 'sessions')).toBeUndefined();
    const view = (await api('GET', '/plugins/sessions')).body;
    expect(view.panels).toEqual([expect.objectContaining({ id: 'session-usage', granted: false })]);
    expect((await api('GET', '/ui/panels')).body.items.filter((p: Doc) => p.plugin !== 'metrics')).toEqual(
      [],
    );
    // The session's page itself is still there (the sessions plugin was reloaded, its data kept).
    await page.reload();
    await page.locator('[data-session-state]').waitFor({ timeout: 30_000 });
    expect(await page.locator('[data-panel="sessions/session-usage"]').count()).toBe(0);
  });
});
