import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
/** Where the kernel serves the dashboard. */
export const UI_PREFIX = '/ui/dashboard/';

const require = createRequire(import.meta.url);
const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

/** A page that records CSP violations and page errors (a test asserts they stay empty). */
export interface TrackedPage {
  context: BrowserContext;
  page: Page;
  /** `securitypolicyviolation` events and CSP console errors seen so far. */
  cspViolations: string[];
  pageErrors: string[];
}

/** Opens a new context and page; options as Playwright's newContext. */
export async function openPage(
  browser: Browser,
  opts: Parameters<Browser['newContext']>[0] = {},
): Promise<TrackedPage> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, ...opts });
  const page = await context.newPage();
  const cspViolations: string[] = [];
  const pageErrors: string[] = [];
  await page.exposeBinding('__omegaCspViolation', (_src, text: string) => {
    cspViolations.push(text);
  });
  await page.addInitScript(
    "document.addEventListener('securitypolicyviolation', (e) => globalThis.__omegaCspViolation(e.violatedDirective + ' ' + e.blockedURI));",
  );
  page.on('console', (m) => {
    if (m.type() === 'error' && /Content Security Policy/i.test(m.text())) cspViolations.push(m.text());
  });
  page.on('pageerror', (err) => pageErrors.push(err.message));
  return { context, page, cspViolations, pageErrors };
}

/** The dashboard URL on `base` with a query. */
export function dashUrl(base: string, query = ''): string {
  return `${base}${UI_PREFIX}${query ? `?${query}` : ''}`;
}

/** Signs in through the form. */
export async function signIn(page: Page, username: string, password: string): Promise<void> {
  await page.getByLabel('Username', { exact: true }).fill(username);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('navigation', { name: 'Sections' }).waitFor();
}

/** One axe-core violation, as the tests report it. */
export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: string[];
}

/**
 * Runs axe-core in the page (evaluated through the DevTools protocol, which the page's CSP
 * does not apply to) and returns the serious and critical violations.
 */
export async function seriousAxeViolations(page: Page): Promise<AxeViolation[]> {
  await page.evaluate(AXE_SOURCE);
  return page.evaluate(async () => {
    type Run = (
      ctx: unknown,
      opts: unknown,
    ) => Promise<{
      violations: Array<{
        id: string;
        impact: string | null;
        help: string;
        nodes: Array<{ target: unknown[] }>;
      }>;
    }>;
    const g = globalThis as unknown as { document: unknown; axe: { run: Run } };
    const r = await g.axe.run(g.document, { resultTypes: ['violations'] });
    return r.violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => ({
        id: v.id,
        impact: v.impact,
        help: v.help,
        nodes: v.nodes.slice(0, 5).map((n) => JSON.stringify(n.target)),
      }));
  });
}

/** What the page keeps in sessionStorage and localStorage, as [key, value] pairs. */
export async function browserStorage(
  page: Page,
): Promise<{ session: Array<[string, string]>; local: Array<[string, string]> }> {
  return JSON.parse(
    (await page.evaluate(
      'JSON.stringify({ session: Object.entries(sessionStorage), local: Object.entries(localStorage) })',
    )) as string,
  );
}

/** The few DOM members the tests read inside the page (the root tsconfig has no DOM lib). */
interface PageGlobals {
  document: {
    querySelectorAll(selector: string): { length: number };
    querySelector(selector: string): { dataset: Record<string, string | undefined> } | null;
    documentElement: { dataset: Record<string, string | undefined> };
  };
}

/** Waits until no view shows a loading state (function predicates: the page's CSP forbids string eval). */
export async function waitForIdle(page: Page): Promise<void> {
  await page.waitForFunction(
    () => (globalThis as unknown as PageGlobals).document.querySelectorAll('[aria-busy=true]').length === 0,
  );
}

/** Waits until the shell shows `tab`. */
export async function waitForTab(page: Page, tab: string): Promise<void> {
  await page.waitForFunction(
    (id) => (globalThis as unknown as PageGlobals).document.querySelector('.app')?.dataset.tab === id,
    tab,
  );
}

/** Waits until <html data-theme> is `theme`. */
export async function waitForTheme(page: Page, theme: string): Promise<void> {
  await page.waitForFunction(
    (th) => (globalThis as unknown as PageGlobals).document.documentElement.dataset.theme === th,
    theme,
  );
}

/** Waits until the event stream is live and no view is loading. */
export async function settled(page: Page): Promise<void> {
  await page.locator('[data-conn="live"]').waitFor();
  await waitForIdle(page);
}

/** Polls `fn` every 250 ms until it answers something other than undefined; throws naming `what` after `ms`. */
export async function until<T>(fn: () => Promise<T | undefined>, ms: number, what: string): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/**
 * Signs `user` in on a fresh page `width` px wide, opens each tab and answers how many px each
 * overflows the width (0: it fits), with a screenshot of each (`<tab>-<width>px.png` in `shots`).
 */
export async function overflowByTab(
  browser: Browser,
  base: string,
  user: { username: string; password: string },
  tabs: readonly string[],
  shots: string,
  width = 360,
): Promise<Record<string, number>> {
  const narrow = await openPage(browser, { viewport: { width, height: 740 } });
  const out: Record<string, number> = {};
  try {
    await narrow.page.goto(dashUrl(base));
    await signIn(narrow.page, user.username, user.password);
    for (const tab of tabs) {
      await narrow.page.goto(dashUrl(base, `tab=${tab}`));
      await settled(narrow.page);
      out[tab] = (await narrow.page.evaluate(
        'document.documentElement.scrollWidth - document.documentElement.clientWidth',
      )) as number;
      await narrow.page.screenshot({ path: join(shots, `${tab}-${width}px.png`) });
    }
  } finally {
    await narrow.context.close();
  }
  return out;
}
