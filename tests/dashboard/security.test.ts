import { readFileSync } from 'node:fs';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureChromium, launchChromium } from './chromium.js';
import { ADMIN, type DashboardKernel, startDashboardKernel } from './dashboard-kernel.js';
import { dashUrl, openPage, signIn, waitForIdle } from './page-helpers.js';

const skip = ensureChromium();
if (skip) console.warn(`SKIP dashboard security tests: ${skip}`);

describe.skipIf(skip !== null)('security views in Chromium against a real kernel', () => {
  let d: DashboardKernel;
  let browser: Browser;
  let token: string;

  beforeAll(async () => {
    [d, browser] = await Promise.all([startDashboardKernel(), launchChromium()]);
    token = await d.bootstrapAdmin();
  });
  afterAll(async () => {
    await browser?.close();
    await d?.stop();
  });

  it('creates a user, filters the audit trail, verifies the chain, exports CSV and JSON', async () => {
    const { page, context } = await openPage(browser, { acceptDownloads: true });
    await page.goto(dashUrl(d.url, 'tab=security&view=users'));
    await signIn(page, ADMIN.username, ADMIN.password);
    await waitForIdle(page);
    await page.getByRole('button', { name: 'New user' }).click();
    const dialog = page.getByRole('dialog', { name: 'New user' });
    await dialog.getByLabel('Username').fill('ops-ann');
    await dialog.getByLabel('Password', { exact: true }).fill('another long passphrase');
    await dialog.getByRole('button', { name: 'Create' }).click();
    await page.locator('[data-user="ops-ann"]').waitFor();
    expect(await page.locator('[data-user="ops-ann"]').textContent()).toContain('viewer');

    await page.getByRole('button', { name: 'Audit trail' }).click();
    await page.getByLabel('Action').fill('user.');
    await page.getByLabel('Action').press('Enter');
    await expect.poll(() => new URL(page.url()).searchParams.get('a_action')).toBe('user.');
    await waitForIdle(page);
    await expect
      .poll(() => page.getByTestId('audit').locator('tbody tr').allTextContents())
      .toEqual([expect.stringContaining('user.create')]);

    await page.getByRole('button', { name: 'Verify the chain' }).click();
    await page.locator('[data-chain="intact"]').waitFor();

    const [csv] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Export CSV' }).click(),
    ]);
    const csvText = readFileSync((await csv.path()) ?? '', 'utf8');
    const lines = csvText.trim().split('\r\n');
    expect(lines[0]).toBe('seq,time,actor,action,outcome,target,source,details,prev,hash');
    expect(lines.slice(1).map((l) => l.split(',')[3])).toEqual(['user.create']);
    const [json] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Export JSON' }).click(),
    ]);
    const entries = JSON.parse(readFileSync((await json.path()) ?? '', 'utf8')) as Array<{
      action: string;
      hash: string;
    }>;
    expect(entries.map((e) => e.action)).toEqual(['user.create']);
    expect(entries[0]?.hash).toMatch(/^[0-9a-f]{64}$/);
    await context.close();
  });

  it('creates a read-only kiosk token and shows its link once', async () => {
    const { page, context } = await openPage(browser);
    await page.goto(dashUrl(d.url, 'tab=security&view=tokens'));
    await signIn(page, ADMIN.username, ADMIN.password);
    await waitForIdle(page);
    await page.getByRole('button', { name: 'New kiosk token (wall display)' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Create' }).click();
    const link = await page.getByTestId('kiosk-link').inputValue();
    expect(link).toMatch(/#kiosk=omg_/);
    await page.getByRole('dialog').getByRole('button', { name: 'Close' }).click();
    await expect.poll(() => page.getByTestId('my-tokens').textContent()).toContain('events:subscribe');
    expect(await page.getByTestId('my-tokens').textContent()).not.toContain('security');
    await context.close();
  });

  it('reads the audit trail newest first (order=desc): older pages below, newer entries on request', async () => {
    const { page, context, cspViolations } = await openPage(browser);
    const queries: URL[] = [];
    page.on('request', (r) => {
      const u = new URL(r.url());
      if (u.pathname.endsWith('/api/v1/security/audit')) queries.push(u);
    });
    // Enough entries for more than one page of 100: every API token created is audited.
    for (let i = 0; i < 110; i++) {
      const c = await d.call(
        'POST',
        '/api/v1/security/me/tokens',
        { name: `audit-page-${i}`, scopes: ['metrics:read'], expiresInDays: 1 },
        token,
      );
      expect(c.status).toBe(201);
    }
    await page.goto(dashUrl(d.url, 'tab=security&view=audit'));
    await signIn(page, ADMIN.username, ADMIN.password);
    await waitForIdle(page);
    const rows = page.getByTestId('audit').locator('tbody tr');
    await rows.first().waitFor();
    const seqs = () => rows.evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-seq'))));
    const first = await seqs();
    expect(first.length).toBe(100);
    expect(first).toEqual([...first].sort((a, b) => b - a));
    const head = await d.call<{ items: Array<{ seq: number }> }>(
      'GET',
      '/api/v1/security/audit?order=desc&limit=1',
      undefined,
      token,
    );
    expect(first[0]).toBe(head.body.items[0]?.seq);
    // No probing for the head: every read of the view is order=desc.
    expect(queries.length).toBeGreaterThan(0);
    for (const u of queries) expect(u.searchParams.get('order'), u.search).toBe('desc');

    await page.getByRole('button', { name: 'Show older entries' }).click();
    await expect.poll(async () => (await seqs()).length).toBeGreaterThan(100);
    const both = await seqs();
    expect(both).toEqual([...both].sort((a, b) => b - a));
    expect(new Set(both).size).toBe(both.length);

    // New entries appear on top when asked for (prevCursor), without re-reading the rest.
    const late = await d.call(
      'POST',
      '/api/v1/security/me/tokens',
      { name: 'late-comer', scopes: ['metrics:read'], expiresInDays: 1 },
      token,
    );
    expect(late.status).toBe(201);
    await page.getByRole('button', { name: 'Show newer entries' }).click();
    await expect.poll(async () => (await seqs())[0]).toBeGreaterThan(first[0] as number);
    const all = await seqs();
    expect(all).toEqual([...all].sort((a, b) => b - a));
    expect(await rows.first().textContent()).toContain('token.create');
    expect(all[0]).toBe(
      (
        await d.call<{ items: Array<{ seq: number }> }>(
          'GET',
          '/api/v1/security/audit?order=desc&limit=1',
          undefined,
          token,
        )
      ).body.items[0]?.seq,
    );
    expect(cspViolations).toEqual([]);
    await context.close();
  });
});
