import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureChromium, launchChromium } from './chromium.js';
import { ADMIN, type DashboardKernel, startDashboardKernel } from './dashboard-kernel.js';
import { dashUrl, openPage, seriousAxeViolations, signIn, waitForIdle } from './page-helpers.js';

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
    await page.goto(dashUrl(d.url, 'tab=alerts&view=rules'));
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
    await page.goto(dashUrl(d.url, 'tab=alerts&view=rules'));
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

  it('an alert that really fires is acknowledged and silenced from its row; the silence is listed, then expired early', async () => {
    const created = await d.call(
      'POST',
      '/api/v1/metrics/alerts/rules',
      { id: 'mem-ack', series: 'memory.used_ratio', comparator: '>=', threshold: 0, for: '0s' },
      token,
    );
    expect(created.status).toBe(201);
    const { page, context, cspViolations } = await openPage(browser);
    await page.goto(dashUrl(d.url, 'tab=alerts&view=firing'));
    await signIn(page, ADMIN.username, ADMIN.password);
    await waitForIdle(page);
    const row = page.locator('[data-alert-rule="mem-ack"][data-alert-state="firing"]');
    await row.waitFor({ timeout: 15_000 });
    const node = ((await row.locator('td').nth(3).textContent()) ?? '').trim();

    // Acknowledge with a reason: the row says who and why, and so does the API.
    await row.getByRole('button', { name: `Acknowledge alert mem-ack on ${node}` }).click();
    const ack = page.getByRole('dialog', { name: `Acknowledge alert mem-ack on ${node}` });
    await ack.getByLabel('Reason (recorded with the action)').fill('looking at the memory');
    await ack.getByRole('button', { name: 'Acknowledge' }).click();
    await row
      .getByTestId('alert-status')
      .filter({ hasText: `acknowledged by ${ADMIN.username}: looking at the memory` })
      .waitFor();
    const alerts = await d.call<{ items: Array<{ rule: string; acknowledged?: { reason: string } }> }>(
      'GET',
      '/api/v1/metrics/alerts',
      undefined,
      token,
    );
    expect(alerts.body.items.find((a) => a.rule === 'mem-ack')?.acknowledged?.reason).toBe(
      'looking at the memory',
    );

    // Silence this series for 4 hours: the row says until when (about 4 h from now).
    const before = Date.now();
    await row.getByRole('button', { name: `Silence alert mem-ack on ${node}` }).click();
    const sil = page.getByRole('dialog', { name: `Silence alert mem-ack on ${node}` });
    await sil.getByLabel('For how long').selectOption('4h');
    await sil.getByLabel('Reason (recorded with the action)').fill('memory test window');
    await sil.getByRole('button', { name: 'Silence' }).click();
    await page.locator('[data-alert-rule="mem-ack"][data-alert-silenced="true"]').waitFor();
    await row.getByTestId('alert-status').filter({ hasText: 'silenced until' }).waitFor();
    const listed = await d.call<{
      items: Array<{
        id: string;
        spec: { rule?: string; labels?: Record<string, string>; reason: string; endsAt: number };
      }>;
    }>('GET', '/api/v1/metrics/alerts/silences?state=active', undefined, token);
    const silence = listed.body.items.find((x) => x.spec.reason === 'memory test window');
    expect(silence?.spec.rule).toBe('mem-ack');
    expect(silence?.spec.labels?.node).toBe(node);
    expect(silence?.spec.endsAt).toBeGreaterThanOrEqual(before + 4 * 3600_000 - 1000);
    expect(silence?.spec.endsAt).toBeLessThanOrEqual(Date.now() + 4 * 3600_000 + 1000);
    const id = silence?.id ?? '';

    // The Silences view lists it; expiring it early moves it to the expired list and unsilences the alert.
    await page.getByRole('button', { name: 'Silences', exact: true }).click();
    const srow = page.locator(`[data-silence="${id}"][data-silence-state="active"]`);
    await srow.filter({ hasText: 'memory test window' }).filter({ hasText: 'rule=mem-ack' }).waitFor();
    expect(await seriousAxeViolations(page)).toEqual([]);
    await srow.getByRole('button', { name: `Expire silence ${id}` }).click();
    await page
      .getByRole('dialog', { name: `Expire silence ${id}` })
      .getByRole('button', { name: 'Expire now' })
      .click();
    await expect.poll(() => srow.count()).toBe(0);
    await page.getByLabel('Show').selectOption('expired');
    await page.locator(`[data-silence="${id}"][data-silence-state="expired"]`).waitFor();
    const expired = await d.call<{ status: { state: string } }>(
      'GET',
      `/api/v1/metrics/alerts/silences/${id}`,
      undefined,
      token,
    );
    expect(expired.body.status.state).toBe('expired');
    await page.getByRole('button', { name: 'Firing', exact: true }).click();
    await row.waitFor();
    expect(await page.locator('[data-alert-rule="mem-ack"][data-alert-silenced="true"]').count()).toBe(0);
    await row.getByTestId('alert-status').filter({ hasText: 'acknowledged by' }).waitFor();
    expect(await seriousAxeViolations(page)).toEqual([]);
    expect(cspViolations).toEqual([]);
    await context.close();
  });
});
