import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureChromium, launchChromium } from './chromium.js';
import { ADMIN, type DashboardKernel, startDashboardKernel } from './dashboard-kernel.js';
import { dashUrl, openPage, signIn, waitForIdle } from './page-helpers.js';

const skip = ensureChromium();
if (skip) console.warn(`SKIP dashboard alert tests: ${skip}`);

describe.skipIf(skip !== null)('alerts in Chromium against a real kernel', () => {
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

  it('a rule created in the UI fires and shows live; edited, it resolves; deleted, it is gone', async () => {
    const { page, context, cspViolations } = await openPage(browser);
    await page.goto(dashUrl(d.ui.url, 'tab=alerts&view=rules'));
    await signIn(page, ADMIN.username, ADMIN.password);
    await waitForIdle(page);
    await page.getByRole('button', { name: 'New rule' }).click();
    const dialog = page.getByRole('dialog', { name: 'New rule' });
    await dialog.getByLabel('Rule id (optional)').fill('mem-measured');
    await dialog.getByLabel('Series selector').fill('memory.used_ratio');
    await dialog.getByLabel('Comparator').selectOption('>=');
    await dialog.getByLabel('Threshold').fill('0');
    await dialog.getByLabel('For').fill('0s');
    await dialog.getByLabel('Severity').selectOption('critical');
    await dialog.getByLabel('Summary').fill('memory is measured');
    await dialog.getByRole('button', { name: 'Save' }).click();
    await page.locator('[data-rule="mem-measured"]').waitFor();
    const stored = await d.call<{ spec: { comparator: string; threshold: number; severity: string } }>(
      'GET',
      '/api/v1/metrics/alerts/rules/mem-measured',
      undefined,
      token,
    );
    expect(stored.body.spec).toMatchObject({ comparator: '>=', threshold: 0, severity: 'critical' });

    // It fires at the next sample: the firing view and the dashboard show it without a reload.
    await page.getByRole('button', { name: 'Firing', exact: true }).click();
    await page
      .locator('[data-alert-rule="mem-measured"][data-alert-state="firing"]')
      .waitFor({ timeout: 15_000 });
    await page.locator('[data-tab-link="dashboard"]').click();
    await page.getByTestId('firing-list').filter({ hasText: 'mem-measured' }).waitFor();

    // Edit: a threshold that cannot hold resolves it; the history shows firing then resolved.
    await page.goto(dashUrl(d.ui.url, 'tab=alerts&view=rules'));
    await waitForIdle(page);
    await page.getByRole('button', { name: 'Edit rule mem-measured' }).click();
    const edit = page.getByRole('dialog', { name: 'Edit rule mem-measured' });
    await edit.getByLabel('Threshold').fill('2');
    await edit.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('button', { name: 'History' }).click();
    await page
      .getByTestId('alert-history')
      .locator('tr', { hasText: 'resolved' })
      .filter({ hasText: 'mem-measured' })
      .first()
      .waitFor({ timeout: 15_000 });

    await page.getByRole('button', { name: 'Rules' }).click();
    await page.getByRole('button', { name: 'Delete rule mem-measured' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Delete' }).click();
    await expect.poll(() => page.locator('[data-rule="mem-measured"]').count()).toBe(0);
    expect((await d.call('GET', '/api/v1/metrics/alerts/rules/mem-measured', undefined, token)).status).toBe(
      404,
    );
    expect(cspViolations).toEqual([]);
    await context.close();
  });
});
