import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFixtureRepo, type FixtureRepo } from '../marketplace/fixture-repo.js';
import { ensureChromium, launchChromium } from './chromium.js';
import { ADMIN, type DashboardKernel, startDashboardKernel } from './dashboard-kernel.js';
import { dashUrl, openPage, signIn, waitForIdle } from './page-helpers.js';

const skip = ensureChromium();
if (skip) console.warn(`SKIP dashboard plugin tests: ${skip}`);

const code = (tag: string) =>
  `export const plugin = { routes: { async hello() { return { status: 200, body: { hello: '${tag}' } }; } } };\n`;
const route = { method: 'GET', path: '/hello', handler: 'hello', permission: 'hello:read' };

describe.skipIf(skip !== null)('plugins and the marketplace in Chromium against a real kernel', () => {
  let d: DashboardKernel;
  let browser: Browser;
  let repo: FixtureRepo;
  let token: string;

  beforeAll(async () => {
    repo = await createFixtureRepo();
    await repo.release(
      {
        name: 'hello',
        version: '1.0.0',
        description: 'Says hello',
        permissions: ['http:routes'],
        routes: [route],
      },
      code('v1.0.0'),
    );
    [d, browser] = await Promise.all([startDashboardKernel(), launchChromium()]);
    token = await d.bootstrapAdmin();
  });
  afterAll(async () => {
    await browser?.close();
    await d?.stop();
    if (repo) rmSync(repo.dir, { recursive: true, force: true });
  });

  const hello = async () =>
    (await d.call<{ hello?: string }>('GET', '/api/v1/hello/hello', undefined, token)).body?.hello;

  it('adds a source, installs with the permission consent shown, upgrades with the diff, rolls back', async () => {
    const { page, context, cspViolations } = await openPage(browser);
    await page.goto(dashUrl(d.url, 'tab=plugins&view=marketplace'));
    await signIn(page, ADMIN.username, ADMIN.password);
    await waitForIdle(page);
    await page.getByRole('button', { name: 'Add a source' }).click();
    const add = page.getByRole('dialog', { name: 'Add a source' });
    await add.getByLabel('Name').fill('local');
    await add.getByLabel('Location (URL or directory)').fill(repo.dir);
    await add
      .getByLabel('Root document (JSON) to pin')
      .fill(readFileSync(join(repo.dir, 'root.json'), 'utf8'));
    await add.getByRole('button', { name: 'Add a source' }).click();
    await page.locator('[data-hit="hello"]').waitFor();

    // Install: the plan shows the permissions it asks for; nothing happens before consent.
    await page.getByRole('button', { name: 'Install hello' }).click();
    const plan = page.getByTestId('plan');
    await plan.locator('[data-diff="added"]').waitFor();
    expect(await plan.locator('[data-diff="added"] li').allTextContents()).toEqual(['http:routes']);
    expect((await d.call('GET', '/api/v1/plugins/hello', undefined, token)).status).toBe(404);
    await page.getByRole('button', { name: 'I consent to these permissions: apply' }).click();
    await page.getByTestId('plugin-detail').waitFor();
    await expect
      .poll(() => page.locator('[data-plugin="hello"] [data-status]').getAttribute('data-status'), {
        timeout: 20_000,
      })
      .toBe('running');
    expect(await hello()).toBe('v1.0.0');

    // An upgrade that asks for more shows the diff and waits for consent.
    await repo.release(
      { name: 'hello', version: '1.1.0', permissions: ['http:routes', 'storage'], routes: [route] },
      code('v1.1.0'),
    );
    await page.getByRole('button', { name: 'Upgrade…' }).click();
    await plan.locator('[data-diff="added"]').waitFor();
    expect(await plan.locator('h3').first().textContent()).toContain('1.0.0 → 1.1.0');
    expect(await plan.locator('[data-diff="added"] li').allTextContents()).toEqual(['storage']);
    expect(await hello()).toBe('v1.0.0');
    await page.getByRole('button', { name: 'I consent to these permissions: apply' }).click();
    await expect.poll(hello, { timeout: 20_000 }).toBe('v1.1.0');
    await expect
      .poll(() => page.locator('[data-plugin="hello"]').textContent(), { timeout: 20_000 })
      .toContain('1.1.0');

    // Rollback asks for less: no consent needed beyond applying.
    await page.getByRole('button', { name: 'Roll back…' }).click();
    await plan.locator('[data-diff="removed"]').waitFor();
    await page.getByRole('button', { name: 'Apply', exact: true }).click();
    await expect.poll(hello, { timeout: 20_000 }).toBe('v1.0.0');
    expect(cspViolations).toEqual([]);
    await context.close();
  });

  it('disables, enables and reloads a plugin, its status following live', async () => {
    const { page, context } = await openPage(browser);
    await page.goto(dashUrl(d.url, 'tab=plugins&plugin=hello'));
    await signIn(page, ADMIN.username, ADMIN.password);
    await page.getByTestId('plugin-detail').waitFor();
    await page.getByRole('button', { name: 'Disable' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Disable' }).click();
    await expect
      .poll(() => page.locator('[data-plugin="hello"] [data-status]').getAttribute('data-status'), {
        timeout: 20_000,
      })
      .toBe('disabled');
    expect((await d.call('GET', '/api/v1/hello/hello', undefined, token)).status).toBe(404);
    await page.getByRole('button', { name: 'Enable' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Enable' }).click();
    await expect
      .poll(() => page.locator('[data-plugin="hello"] [data-status]').getAttribute('data-status'), {
        timeout: 20_000,
      })
      .toBe('running');
    await page.getByRole('button', { name: 'Reload' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Reload' }).click();
    await expect
      .poll(() => page.locator('[data-plugin="hello"] [data-status]').getAttribute('data-status'), {
        timeout: 20_000,
      })
      .toBe('running');
    await expect.poll(hello, { timeout: 20_000 }).toBe('v1.0.0');
    await context.close();
  });
});
