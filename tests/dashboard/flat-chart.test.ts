import { join } from 'node:path';
import { build } from 'esbuild';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureChromium, launchChromium } from './chromium.js';
import { openPage, type TrackedPage } from './page-helpers.js';

const skip = ensureChromium();
if (skip) console.warn(`SKIP flat chart tests: ${skip}`);

/** The dashboard's real chart class in a page of its own: `window.drawChart(data)` draws one. */
const ENTRY = `
import { UPlotChart } from ${JSON.stringify(join(import.meta.dirname, '../../plugins/dashboard/ui/src/charts/uplot-chart.ts'))};
window.drawChart = (data) => {
  const host = document.createElement('div');
  document.body.append(host);
  new UPlotChart(host, {}, 400).setData(data);
  return host.querySelectorAll('canvas').length;
};
`;

/** Draws one chart in the page (runs there: `drawChart` is the bundle's). */
const DRAW = (d: unknown): number =>
  (globalThis as unknown as { drawChart(x: unknown): number }).drawChart(d);

/** `x` and its float32 neighbours, as the metrics store hands back a constant series. */
function float32Noise(x: number): number[] {
  const a = new Float32Array([x, x, x]);
  const bits = new Int32Array(a.buffer);
  bits[0] = (bits[0] as number) - 1;
  bits[2] = (bits[2] as number) + 1;
  return [...a];
}

describe.skipIf(skip !== null)('a chart of data flat up to float32 noise, in Chromium', () => {
  let browser: Browser;
  let tp: TrackedPage;

  beforeAll(async () => {
    const out = await build({
      stdin: { contents: ENTRY, resolveDir: import.meta.dirname, loader: 'ts' },
      bundle: true,
      format: 'iife',
      write: false,
      loader: { '.css': 'empty' },
      logLevel: 'silent',
    });
    browser = await launchChromium();
    tp = await openPage(browser);
    await tp.page.setContent('<!doctype html><body></body>');
    await tp.page.addScriptTag({ content: out.outputFiles[0]?.text ?? '' });
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('draws without a page error (uPlot alone loops on its ticks until "Invalid array length")', async () => {
    const now = Date.now();
    for (const c of [1, 3, 0.3, 42.7, 2048, 7.5e9]) {
      const values = float32Noise(c);
      const data = { times: [now - 2000, now - 1000, now], unit: '', series: [{ label: `c=${c}`, values }] };
      const banded = { ...data, series: [{ label: `band ${c}`, values, min: values, max: values }] };
      for (const d of [data, banded]) expect(await tp.page.evaluate(DRAW, d)).toBeGreaterThan(0);
    }
    // uPlot commits a chart in a microtask: give the page a frame to throw.
    await tp.page.evaluate(() => new Promise((r) => setTimeout(r, 100)));
    expect(tp.pageErrors).toEqual([]);
  });
});
