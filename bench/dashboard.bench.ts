import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { Browser, Page } from 'playwright-core';
import { build } from 'vite';
import { ensureChromium, launchChromium } from '../tests/dashboard/chromium.js';
import { serveUi } from '../tests/dashboard/serve-ui.js';
import { percentile, report } from './report.js';

/**
 * The dashboard's budget (issue #18), measured in Debian's Chromium with the real components:
 * - initial JS of the shell (what index.html loads before any tab), gzip, beside all JS;
 * - the fleet view with 1,000 nodes of the documented shape: navigation → first frame with the
 *   list drawn, beside the same page with no rows;
 * - 24 charts × 4 series × 300 points, each updated at 1 Hz: main-thread time per tick
 *   (DevTools' TaskDuration: script, draw, style, layout, paint) and the update itself
 *   (performance marks), beside an empty page ticking the same way.
 * Everything is served from 127.0.0.1 by the test UI server; the bench stops itself.
 */
const UI = join(import.meta.dirname, '..', 'plugins', 'dashboard', 'ui');
const TICKS = 10;
const ROUNDS = 3;
/** Viewport height that shows all 24 bench charts at once. */
const TALL = 2400;

async function buildTo(input: 'index' | 'bench'): Promise<string> {
  const outDir = mkdtempSync(join(tmpdir(), `omega-dash-${input}-`));
  await build({
    configFile: join(UI, 'vite.config.ts'),
    logLevel: 'warn',
    build: {
      outDir,
      emptyOutDir: true,
      ...(input === 'bench' ? { rollupOptions: { input: join(UI, 'bench', 'bench.html') } } : {}),
    },
  });
  return outDir;
}

function sizes(dir: string): { initial: number; all: number; files: string[] } {
  const html = readFileSync(join(dir, 'index.html'), 'utf8');
  const files = [...html.matchAll(/(?:src|href)="\.\/(assets\/[^"]+\.js)"/g)].map((m) => m[1] ?? '');
  const gz = (f: string) => gzipSync(readFileSync(join(dir, f)), { level: 9 }).length;
  const initial = files.reduce((s, f) => s + gz(f), 0);
  const all = readdirSync(join(dir, 'assets'))
    .filter((f) => f.endsWith('.js'))
    .reduce((s, f) => s + gz(`assets/${f}`), 0);
  return { initial, all, files };
}

/** Reads DevTools' cumulative main-thread task time (seconds) of a page through one session. */
async function taskClock(page: Page): Promise<() => Promise<number>> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Performance.enable', { timeDomain: 'threadTicks' });
  return async () => {
    const m = await cdp.send('Performance.getMetrics');
    return m.metrics.find((x) => x.name === 'TaskDuration')?.value ?? Number.NaN;
  };
}

async function open(browser: Browser, base: string, query: string, height = 1000): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1600, height } });
  await page.goto(`${base}/ui/dashboard/bench/bench.html?${query}`);
  await page.waitForFunction(
    () => (globalThis as unknown as { benchResult?: unknown }).benchResult !== undefined,
  );
  return page;
}

async function usableMs(browser: Browser, base: string, query: string): Promise<number> {
  const page = await open(browser, base, query);
  const r = (await page.evaluate(
    () => (globalThis as unknown as { benchResult: { usableMs: number; rows?: number } }).benchResult,
  )) as { usableMs: number; rows?: number };
  await page.close();
  return r.usableMs;
}

/** Ticks at 1 Hz; per tick: main-thread ms (TaskDuration delta) and the update's own ms. */
async function ticking(
  browser: Browser,
  base: string,
  query: string,
  height = 1000,
): Promise<{ taskMs: number[]; updateMs: number[] }> {
  const page = await open(browser, base, query, height);
  const taskSeconds = await taskClock(page);
  const taskMs: number[] = [];
  const updateMs: number[] = [];
  await page.evaluate(() => (globalThis as unknown as { benchTick(): Promise<number> }).benchTick()); // warm-up
  for (let i = 0; i < TICKS; i++) {
    await new Promise((r) => setTimeout(r, 1000));
    const before = await taskSeconds();
    updateMs.push(
      await page.evaluate(() => (globalThis as unknown as { benchTick(): Promise<number> }).benchTick()),
    );
    await page.waitForTimeout(100); // the frame after the update (style, layout, paint) lands in this window
    taskMs.push(((await taskSeconds()) - before) * 1000);
  }
  await page.close();
  return { taskMs, updateMs };
}

async function main(): Promise<void> {
  const skip = ensureChromium();
  if (skip) {
    console.log(`dashboard bench skipped: ${skip}`);
    return;
  }
  const [app, benchDir] = await Promise.all([buildTo('index'), buildTo('bench')]);
  const s = sizes(app);
  report({
    name: 'shell initial JS (gzip)',
    value: s.initial / 1024,
    unit: 'KiB',
    baseline: { name: 'all JS chunks, every tab (gzip)', value: s.all / 1024 },
    goal: '≤ 120 KB',
    met: s.initial <= 120_000,
  });
  const ui = await serveUi(benchDir, 'http://127.0.0.1:9');
  const browser = await launchChromium();
  try {
    const nodes: number[] = [];
    const none: number[] = [];
    const tenK: number[] = [];
    await usableMs(browser, ui.url, 'scenario=nodes&n=0'); // warm-up: first navigation compiles and caches
    for (let r = 0; r < ROUNDS; r++) {
      none.push(await usableMs(browser, ui.url, 'scenario=nodes&n=0'));
      nodes.push(await usableMs(browser, ui.url, 'scenario=nodes&n=1000'));
      tenK.push(await usableMs(browser, ui.url, 'scenario=nodes&n=10000'));
    }
    const med = (a: number[]) => percentile(a, 50);
    report({
      name: '1,000-node list usable after navigation (median)',
      value: med(nodes),
      unit: 'ms',
      baseline: { name: 'same page, 0 nodes', value: med(none) },
      goal: '≤ 1500 ms',
      met: med(nodes) <= 1500,
    });
    report({
      name: '10,000-node list usable after navigation (median)',
      value: med(tenK),
      unit: 'ms',
      baseline: { name: 'same page, 0 nodes', value: med(none) },
    });

    const empty = await ticking(browser, ui.url, 'scenario=empty', TALL);
    // A window tall enough that all 24 charts are on screen: every one draws every tick.
    const charts = await ticking(browser, ui.url, 'scenario=charts&charts=24&series=4&points=300', TALL);
    const window = await ticking(browser, ui.url, 'scenario=charts&charts=24&series=4&points=300');
    report({
      name: '24 charts × 4 × 300 pts, main thread per 1 Hz tick p50',
      value: percentile(charts.taskMs, 50),
      unit: 'ms',
      baseline: { name: 'empty page tick p50', value: percentile(empty.taskMs, 50) },
      goal: '≤ 12 ms',
      met: percentile(charts.taskMs, 50) <= 12,
    });
    report({
      name: '24 charts × 4 × 300 pts, main thread per tick p90',
      value: percentile(charts.taskMs, 90),
      unit: 'ms',
      baseline: { name: 'empty page tick p90', value: percentile(empty.taskMs, 90) },
    });
    report({
      name: '… in a 1600×1000 window (offscreen charts wait) p50',
      value: percentile(window.taskMs, 50),
      unit: 'ms',
      baseline: { name: 'empty page tick p50', value: percentile(empty.taskMs, 50) },
    });
    report({
      name: '24 charts update + draw (marks) p50',
      value: percentile(charts.updateMs, 50),
      unit: 'ms',
      baseline: { name: 'empty page tick p50', value: percentile(empty.updateMs, 50) },
    });
  } finally {
    await browser.close();
    await ui.close();
    rmSync(app, { recursive: true, force: true });
    rmSync(benchDir, { recursive: true, force: true });
  }
}

await main();
