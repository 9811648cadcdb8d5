import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureChromium, launchChromium } from './chromium.js';
import { ADMIN, type DashboardKernel, startDashboardKernel } from './dashboard-kernel.js';
import { dashUrl, openPage, signIn, waitForIdle } from './page-helpers.js';

const skip = ensureChromium();
if (skip) console.warn(`SKIP dashboard live-event tests: ${skip}`);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe.skipIf(skip !== null)('one authenticated, resumable event stream (Chromium, real kernel)', () => {
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

  it('a 10 s cut shows "reconnecting", then every event published meanwhile arrives once, in order', async () => {
    const { page, context } = await openPage(browser);
    const sockets: Array<{ url: string; open: boolean }> = [];
    let maxOpen = 0;
    page.on('websocket', (ws) => {
      const s = { url: ws.url(), open: true };
      sockets.push(s);
      maxOpen = Math.max(maxOpen, sockets.filter((x) => x.open).length);
      ws.on('close', () => {
        s.open = false;
      });
    });
    await page.goto(dashUrl(d.ui.url));
    await signIn(page, ADMIN.username, ADMIN.password);
    await page.locator('[data-conn="live"]').waitFor();
    await waitForIdle(page);

    // Live data comes from the socket, not from polling: a quiet page makes no API request.
    let requests = 0;
    const count = (r: { url(): string }) => {
      if (r.url().includes('/api/')) requests++;
    };
    page.on('request', count);
    await sleep(4000);
    page.off('request', count);
    expect(requests).toBe(0);

    const publish = (n: number) =>
      d.call('POST', '/api/v1/events', { topic: `ops.drill.step${n}`, data: { n } }, token).then((r) => {
        expect(r.status).toBe(202);
      });
    await publish(0);
    await page.locator('[data-testid="event-feed"] li', { hasText: 'ops.drill.step0' }).waitFor();

    d.ui.cutEvents();
    await page.locator('[data-conn="reconnecting"]').waitFor();
    expect(await page.getByRole('status').filter({ hasText: 'Reconnecting' }).count()).toBe(1);
    const cutAt = Date.now();
    for (let n = 1; n <= 5; n++) {
      await publish(n);
      await sleep(1500);
    }
    await sleep(Math.max(0, 10_000 - (Date.now() - cutAt)));
    expect(await page.locator('[data-conn="reconnecting"]').count()).toBe(1);
    d.ui.restoreEvents();
    await page.locator('[data-conn="live"]').waitFor({ timeout: 15_000 });

    const feed = page.locator('[data-testid="event-feed"] li');
    await feed.filter({ hasText: 'ops.drill.step5' }).waitFor();
    const shown = (await feed.allTextContents())
      .map((t) => /ops\.drill\.step(\d)/.exec(t)?.[1])
      .filter((x) => x !== undefined);
    // Newest first on screen: 5 … 0, each once.
    expect(shown).toEqual(['5', '4', '3', '2', '1', '0']);
    const seqs = (
      await feed.evaluateAll((els) =>
        els.map((e) => Number((e as unknown as { dataset: { seq: string } }).dataset.seq)),
      )
    ).slice(0, 6);
    expect([...seqs].sort((a, b) => b - a)).toEqual(seqs);
    // The reconnect resumed from the last sequence seen; never two sockets at once.
    const resumed = sockets.filter((s) => /[?&]since=\d+/.test(s.url));
    expect(resumed.length).toBeGreaterThan(0);
    expect(maxOpen).toBe(1);
    expect(sockets.every((s) => s.url.includes('/api/v1/events?topics='))).toBe(true);
    await context.close();
  });
});
