import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureChromium } from './chromium.js';
import { type FleetDashboard, startFleetDashboard } from './fleet-dashboard.js';
import { dashUrl, seriousAxeViolations, settled, type TrackedPage, until } from './page-helpers.js';

const skip = ensureChromium();
if (skip) console.warn(`SKIP dashboard session start tests: ${skip}`);

// biome-ignore lint/suspicious/noExplicitAny: API answers are read as loose JSON here, as the UI does
type Doc = any;

/**
 * The Sessions tab's start form against a real kernel (nodes + sessions plugins) with one real
 * agent: field errors come from the sessions API's problem+json, the bulk dry run shows the
 * scheduler's own placement and reasons, and a start creates exactly the spec typed.
 */
describe.skipIf(skip !== null)('Sessions start form in Chromium: real kernel, real agent', () => {
  let f: FleetDashboard;
  let d: FleetDashboard['d'];
  let tp: TrackedPage;
  let threads = 0;
  const call = (method: string, path: string, body?: unknown) => f.call(method, path, body);
  /** Opens the start form afresh and types `fields` (input `#sf-<key>` ← text), in order. */
  const openForm = async (fields: Record<string, string> = {}) => {
    await tp.page.goto(dashUrl(d.url, 'tab=sessions&start=1'));
    await settled(tp.page);
    const form = tp.page.getByTestId('start-form');
    for (const [key, text] of Object.entries(fields)) await form.locator(`#sf-${key}`).fill(text);
    return form;
  };

  beforeAll(async () => {
    f = await startFleetDashboard({
      plugins: ['nodes', 'sessions'],
      agents: ['a1'],
      resources: false,
      tab: 'sessions',
      viewport: { width: 1280, height: 1000 },
      ready: async (x) => {
        threads = await until(
          async () => {
            const n = await x.get('/nodes/a1');
            return n?.status?.state === 'ready'
              ? (n.status.capacity?.threads as number | undefined)
              : undefined;
          },
          60_000,
          'node a1 to be ready',
        );
      },
    });
    ({ d, tp } = f);
  }, 180_000);
  afterAll(async () => {
    const list = f ? ((await call('GET', '/sessions')).body?.items ?? []) : [];
    for (const s of list) await call('POST', `/sessions/${s.id}/terminate`, { graceMs: 0 });
    await f?.stop();
  }, 60_000);

  it("shows the API's field errors beside their fields, and starts nothing", async () => {
    const { page } = tp;
    const form = await openForm({ command: 'sleep', args: '30', memory: 'lots', priority: '5000' });
    await form.locator('[data-action="start"]').click();
    // What the API itself says about the same spec.
    const direct = await call('POST', '/sessions', {
      command: 'sleep',
      args: ['30'],
      resources: { memory: 'lots' },
      priority: 5000,
    });
    expect(direct.status).toBe(400);
    const msg = (f: string) => (direct.body.errors as Doc[]).find((e) => e.field === f).message;
    await expect
      .poll(() => form.locator('[data-field="memory"] .field-error').textContent())
      .toBe(msg('resources.memory'));
    expect(await form.locator('[data-field="priority"] .field-error').textContent()).toBe(msg('priority'));
    expect(await form.locator('#sf-memory').getAttribute('aria-invalid')).toBe('true');
    expect(await form.locator('#sf-command').getAttribute('aria-invalid')).toBe(null);
    expect((await call('GET', '/sessions')).body.items).toEqual([]);
    expect(await seriousAxeViolations(page)).toEqual([]);
  });

  it('bulk: the dry run shows where each copy would start or why it would wait; nothing is recorded', async () => {
    const { page } = tp;
    const form = await openForm({ command: 'sleep', args: '30' });
    await form.getByLabel('CPU unit').selectOption('cores');
    await form.locator('#sf-cpu').fill(String(threads));
    await form.locator('#sf-memory').fill('32M');
    await form.getByLabel('Bulk: start several copies').check();
    await form.locator('#sf-count').fill('3');
    await form.locator('[data-action="preview"]').click();
    const plan = page.getByTestId('start-plan');
    await plan.waitFor();
    const api = (
      await call('POST', '/sessions/plan', {
        spec: { command: 'sleep', args: ['30'], resources: { cores: threads, memory: '32M' } },
        count: 3,
      })
    ).body;
    expect(api.items.map((i: Doc) => i.placed)).toEqual([true, false, false]);
    const rows = plan.locator('tbody tr');
    expect(await rows.count()).toBe(3);
    for (const [i, item] of (api.items as Doc[]).entries()) {
      const row = rows.nth(i);
      expect(await row.getAttribute('data-placed')).toBe(String(item.placed));
      expect(await row.locator('td').nth(2).textContent()).toBe(item.reason);
      if (item.placed) expect(await row.locator('td').nth(1).textContent()).toBe('a1');
    }
    expect(await plan.locator('h3').textContent()).toBe('Dry run: 1 would start now, 2 would wait');
    expect((await call('GET', '/sessions')).body.items).toEqual([]);
    expect(await seriousAxeViolations(page)).toEqual([]);
  });

  it('starts the session typed (name, args with quotes, share, priority, time limit) and opens it', async () => {
    const { page } = tp;
    const form = await openForm({
      name: 'ui-job',
      command: 'sh',
      args: `-c 'sleep 30; echo "done now"'`,
      cpu: '100',
      memory: '16M',
      priority: '5',
      timeLimit: '2m',
    });
    await form.locator('[data-action="start"]').click();
    await expect.poll(() => new URL(page.url()).searchParams.get('session')).toMatch(/^s-/);
    const id = new URL(page.url()).searchParams.get('session');
    const s = (await call('GET', `/sessions/${id}`)).body;
    expect(s.spec.name).toBe('ui-job');
    expect(s.spec.command).toBe('sh');
    expect(s.spec.args).toEqual(['-c', 'sleep 30; echo "done now"']);
    expect(s.spec.resources.millicores).toBe(100);
    expect(s.spec.resources.memoryBytes).toBe(16 * 2 ** 20);
    expect(s.spec.priority).toBe(5);
    expect(s.spec.timeLimitSec ?? s.spec.timeLimit).toBe(120);
    expect(tp.cspViolations).toEqual([]);
    expect(tp.pageErrors).toEqual([]);
  });

  it('a session started from the form is paused, resumed and terminated from its page, each state shown live', async () => {
    const { page } = tp;
    const form = await openForm({
      name: 'ui-life',
      command: 'sleep',
      args: '300',
      cpu: '100',
      memory: '16M',
    });
    await form.locator('[data-action="start"]').click();
    await expect.poll(() => new URL(page.url()).searchParams.get('session')).toMatch(/^s-/);
    const id = new URL(page.url()).searchParams.get('session') as string;
    const state = (st: string) => page.locator(`#session-title [data-session-state="${st}"]`);
    const actions = page.locator('section.card').filter({ has: page.locator('#session-title') });
    await state('running').waitFor({ timeout: 60_000 });

    await actions.getByRole('button', { name: 'Pause', exact: true }).click();
    await page
      .getByRole('dialog', { name: `Pause session ${id}?` })
      .getByRole('button', { name: 'Pause' })
      .click();
    await state('paused').waitFor({ timeout: 30_000 });
    const paused = (await call('GET', `/sessions/${id}`)).body;
    expect(paused.status.state).toBe('paused');
    expect(paused.status.reason).toContain('paused by');
    await actions.getByRole('button', { name: 'Resume', exact: true }).click();
    await page
      .getByRole('dialog', { name: `Resume session ${id}?` })
      .getByRole('button', { name: 'Resume' })
      .click();
    await state('running').waitFor({ timeout: 30_000 });
    expect((await call('GET', `/sessions/${id}`)).body.status.state).toBe('running');

    await actions.getByRole('button', { name: 'Terminate', exact: true }).click();
    const confirm = page.getByRole('dialog', { name: `Terminate session ${id}?` });
    // The confirmation asks for a reason: without one it does nothing.
    await expect.poll(() => confirm.getByRole('button', { name: 'Terminate' }).isDisabled()).toBe(true);
    await confirm.getByLabel('Reason (recorded with the action)').fill('ui lifecycle test');
    await confirm.getByRole('button', { name: 'Terminate' }).click();
    await state('cancelled').waitFor({ timeout: 60_000 });
    const ended = (await call('GET', `/sessions/${id}`)).body;
    expect(ended.status.state).toBe('cancelled');
    expect(ended.status.reason).toContain('ui lifecycle test');
    // No action is offered on an ended session.
    expect(await actions.getByRole('button', { name: /^(Pause|Resume|Terminate)$/ }).count()).toBe(0);
    expect(await seriousAxeViolations(page)).toEqual([]);
    expect(tp.cspViolations).toEqual([]);
    expect(tp.pageErrors).toEqual([]);
  });
});
