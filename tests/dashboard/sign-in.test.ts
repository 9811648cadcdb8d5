import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureChromium, launchChromium } from './chromium.js';
import { ADMIN, BOOTSTRAP_SECRET, type DashboardKernel, startDashboardKernel } from './dashboard-kernel.js';
import { browserStorage, dashUrl, openPage, signIn } from './page-helpers.js';

const skip = ensureChromium();
if (skip) console.warn(`SKIP dashboard sign-in tests: ${skip}`);

describe.skipIf(skip !== null)('dashboard sign-in in Chromium against a real kernel', () => {
  let d: DashboardKernel;
  let browser: Browser;

  beforeAll(async () => {
    [d, browser] = await Promise.all([startDashboardKernel(), launchChromium()]);
  });
  afterAll(async () => {
    await browser?.close();
    await d?.stop();
  });

  it('creates the first admin with the one-time bootstrap secret, then holds the tokens safely', async () => {
    const { page, context, cspViolations, pageErrors } = await openPage(browser);
    await page.goto(dashUrl(d.url));
    await page.getByRole('button', { name: 'First start? Create the first administrator' }).click();
    await page.getByLabel('Bootstrap secret').fill(BOOTSTRAP_SECRET);
    await page.getByLabel('Username', { exact: true }).fill(ADMIN.username);
    await page.getByLabel('Password', { exact: true }).fill(ADMIN.password);
    await page.getByRole('button', { name: 'Create administrator and sign in' }).click();
    await page.getByRole('navigation', { name: 'Sections' }).waitFor();
    await expect.poll(() => page.locator('[data-who="user"]').textContent()).toBe(ADMIN.username);
    // The access token lives in memory only; the refresh token in an HttpOnly cookie no script sees.
    const stored = await browserStorage(page);
    expect(stored.session).toEqual([]);
    expect(JSON.stringify(stored.local)).not.toMatch(/ort\.|eyJ/);
    const refreshCookie = async () => (await context.cookies()).find((c) => c.name === 'omega_refresh');
    const first = await refreshCookie();
    expect(first).toMatchObject({
      httpOnly: true,
      sameSite: 'Strict',
      path: '/api/v1/security/refresh',
      value: expect.stringMatching(/^ort\./),
    });
    const pageCookies = await page.evaluate(
      () => (globalThis as unknown as { document: { cookie: string } }).document.cookie,
    );
    expect(pageCookies).not.toContain('omega_refresh');
    // The secret worked once: a second bootstrap is refused.
    expect(
      (
        await d.call('POST', '/api/v1/security/bootstrap', {
          secret: BOOTSTRAP_SECRET,
          username: 'x2',
          password: ADMIN.password,
        })
      ).status,
    ).toBe(403);

    // A reload keeps the session (the refresh token is rotated) and the URL's view.
    await page.goto(dashUrl(d.url, 'tab=alerts'));
    await page.getByRole('heading', { level: 1, name: 'Alerts' }).waitFor();
    const after = (await refreshCookie())?.value ?? null;
    expect(after).toMatch(/^ort\./);
    expect(after).not.toBe(first?.value);

    // Signing out revokes the session on the server: the old refresh token no longer works.
    await page.getByRole('button', { name: 'Sign out' }).first().click();
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    expect((await d.call('POST', '/api/v1/security/refresh', { refreshToken: after })).status).toBe(401);
    await expect.poll(refreshCookie).toBeUndefined(); // cleared by the sign-out's answer
    expect(cspViolations).toEqual([]);
    expect(pageErrors).toEqual([]);
    await context.close();
  });

  it('a wrong password gets a clear coded error and keeps the user on the form', async () => {
    const { page, context } = await openPage(browser);
    await page.goto(dashUrl(d.url));
    await page.getByLabel('Username', { exact: true }).fill(ADMIN.username);
    await page.getByLabel('Password', { exact: true }).fill('not the password at all');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('OMEGA_ERR_UNAUTHENTICATED');
    await context.close();
  });

  it('signs an admin out after 15 minutes without activity', async () => {
    const { page, context } = await openPage(browser);
    await page.clock.install();
    await page.goto(dashUrl(d.url));
    await signIn(page, ADMIN.username, ADMIN.password);
    await page.clock.fastForward('14:00');
    await page.mouse.click(5, 300);
    await page.clock.fastForward('14:00');
    expect(await page.getByRole('navigation', { name: 'Sections' }).isVisible()).toBe(true);
    await page.clock.fastForward('01:30');
    await page.getByText('You were signed out after 15 minutes without activity.').waitFor();
    // The sign-out request revokes the session and clears the cookie right after the page changed.
    await expect
      .poll(async () => (await context.cookies()).find((c) => c.name === 'omega_refresh'))
      .toBeUndefined();
    await context.close();
  });

  it('a kiosk link signs a wall display in read-only, and a revoked kiosk token is refused', async () => {
    const token = (await d.call<{ accessToken: string }>('POST', '/api/v1/security/login', ADMIN)).body
      .accessToken;
    const created = await d.call<{ token: string; id: string }>(
      'POST',
      '/api/v1/security/me/tokens',
      {
        name: 'wall',
        scopes: ['kernel:read', 'plugins:read', 'metrics:read', 'events:subscribe'],
        expiresInDays: 30,
      },
      token,
    );
    expect(created.status).toBe(201);
    const { page, context } = await openPage(browser);
    await page.goto(`${dashUrl(d.url, 'tab=dashboard')}#kiosk=${encodeURIComponent(created.body.token)}`);
    await page.locator('[data-who="kiosk"]').waitFor();
    // The token left the address bar, and write actions are not offered.
    expect(page.url()).not.toContain('kiosk=');
    expect((await browserStorage(page)).local).toContainEqual(['omega.kiosk', created.body.token]);
    await page.goto(dashUrl(d.url, 'tab=alerts&view=rules'));
    await page.getByRole('heading', { level: 1, name: 'Alerts' }).waitFor();
    await page.locator('[data-conn="live"]').waitFor();
    expect(await page.getByRole('button', { name: 'New rule' }).count()).toBe(0);
    // Revoked: the display falls back to sign-in and says why.
    expect(
      (await d.call('DELETE', `/api/v1/security/me/tokens/${created.body.id}`, undefined, token)).status,
    ).toBe(204);
    await page.reload();
    await page.getByText('The kiosk token is not valid').waitFor();
    await context.close();
  });
});
