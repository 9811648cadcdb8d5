import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureChromium, launchChromium } from './chromium.js';
import { ADMIN, type DashboardKernel, startDashboardKernel } from './dashboard-kernel.js';
import { dashUrl, openPage, signIn, type TrackedPage } from './page-helpers.js';
import { grantPanels, writePanelPlugin } from './panel-fixtures.js';

const skip = ensureChromium();
if (skip) console.warn(`SKIP busy shell panel tests: ${skip}`);

const PANELS = ['onep', 'twop', 'threep'];

/**
 * A shell busy when its panels mount (a slow machine, a long render) must still host them: a
 * panel's page can load and say hello in its own renderer before the shell's main thread is free
 * again, so the shell has to listen for that from the moment it inserts the frame. (It used to
 * start listening after the next paint: a panel whose page was quicker stayed "loading" for good,
 * or was stopped as "navigated" 10 s after its load for a hello the shell had not heard.)
 */
describe.skipIf(skip !== null)('panels mounted while the shell is busy', () => {
  let d: DashboardKernel;
  let browser: Browser;
  let tp: TrackedPage;

  beforeAll(async () => {
    [d, browser] = await Promise.all([
      startDashboardKernel([], {
        addPlugins: async (dir) => {
          for (const name of PANELS) {
            await writePanelPlugin(dir, name, [{ id: 'p', js: '' }]);
            grantPanels(dir, name, ['p']);
          }
        },
      }),
      launchChromium(),
    ]);
    await d.bootstrapAdmin();
    tp = await openPage(browser);
    await tp.page.goto(dashUrl(d.url, 'tab=nodes'));
    await signIn(tp.page, ADMIN.username, ADMIN.password);
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await d?.stop();
  });

  it('every panel goes live, none is stopped, when the shell is blocked right after it inserts their frames', async () => {
    const { page } = tp;
    // A mutation observer's callback runs in a microtask after the render that inserted the
    // frames (panels are listed asynchronously, after the tab opened), so the busy loop starts
    // once the frames are in the document and holds the shell for 5 s: long enough for each
    // panel's renderer to load its page and post its hello.
    await page.evaluate(`
      const seen = new MutationObserver(() => {
        if (!document.querySelector('iframe.panel-frame')) return;
        seen.disconnect();
        const until = Date.now() + 5000;
        while (Date.now() < until) {}
      });
      seen.observe(document.body, { childList: true, subtree: true });
      document.querySelector('[data-tab-link="dashboard"]').click();
    `);
    for (const name of PANELS) {
      const key = `${name}/p`;
      await expect
        .poll(() => page.locator(`[data-panel="${key}"]`).getAttribute('data-panel-state'), {
          timeout: 30_000,
          message: `panel ${key}`,
        })
        .toBe('live');
    }
    // Live for good: still live after the hello wait (10 s) a missed hello would have run out.
    await page.waitForTimeout(11_000);
    for (const name of PANELS)
      expect(await page.locator(`[data-panel="${name}/p"]`).getAttribute('data-panel-state')).toBe('live');
    expect(tp.pageErrors).toEqual([]);
  });
});
