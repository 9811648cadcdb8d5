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

  beforeAll(async () => {
    [d, browser] = await Promise.all([startDashboardKernel(), launchChromium()]);
    await d.bootstrapAdmin();
  });
  afterAll(async () => {
    await browser?.close();
    await d?.stop();
  });

  it('creates a user, filters the audit trail, verifies the chain, exports CSV and JSON', async () => {
    const { page, context } = await openPage(browser, { acceptDownloads: true });
    await page.goto(dashUrl(d.ui.url, 'tab=security&view=users'));
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
    await page.goto(dashUrl(d.ui.url, 'tab=security&view=tokens'));
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
});
