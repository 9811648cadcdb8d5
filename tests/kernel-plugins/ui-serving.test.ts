import { createHash } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { shellCspFor } from '../../kernel/http/ui-headers.js';
import { discoverPlugins } from '../../kernel/plugins/index.js';
import { PANEL_GUARD_JS, PANEL_GUARD_NAME, withPanelGuard } from '../../kernel/plugins/ui/index.js';
import { removeDir, startTempKernel, type TempKernel } from '../helpers/temp-kernel.js';
import { writePluginDir } from '../helpers/write-plugin-dir.js';
import { writePluginUi } from '../helpers/write-plugin-ui.js';

const SECRET = 'BUNDLE-SECRET-7f3a';
const NOOP = `export const plugin = {}; // ${SECRET}\n`;
const PAGE =
  '<!doctype html><html><head><script type="module" src="./assets/app-Ab12Cd34.js"></script></head><body>panel</body></html>';
const APP = 'document.body.dataset.ready = "1";\n';
const PANEL = '<!doctype html><script src="./panel.js"></script>';
const PNG = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex');

/** One raw HTTP/1.1 GET with the path exactly as given (fetch would normalise it first). */
function rawGet(
  url: string,
  path: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; type: string; body: string; headers: Record<string, unknown> }> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const req = request({ host: hostname, port, path, method: 'GET', headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          type: String(res.headers['content-type'] ?? ''),
          body: Buffer.concat(chunks).toString('utf8'),
          headers: res.headers,
        }),
      );
    });
    req.on('error', reject);
    req.end();
  });
}

describe('the kernel serves plugin UIs', () => {
  let k: TempKernel;
  let pluginsDir: string;
  const get = (path: string, headers: Record<string, string> = {}) =>
    fetch(`${k.url}${path}`, { headers, redirect: 'manual' });

  beforeAll(async () => {
    pluginsDir = mkdtempSync(join(tmpdir(), 'omega-ui-plugins-'));
    writeFileSync(join(pluginsDir, 'secret.txt'), SECRET);
    writePluginDir(pluginsDir, 'panel-demo', NOOP, {});
    await writePluginUi(
      join(pluginsDir, 'panel-demo'),
      'web',
      {
        'panels/cpu/index.html': PANEL,
        'panels/cpu/panel.js': 'parent.postMessage("hi", "*");',
        'index.html': PAGE,
        'assets/app-Ab12Cd34.js': APP,
        'assets/app-Ab12Cd34.css': 'body{margin:0}',
        'logo.png': PNG,
        'data.bin': 'opaque',
        'sw.js': 'self.addEventListener("fetch", () => {});',
      },
      {
        panels: [
          {
            id: 'cpu',
            title: 'CPU',
            slot: 'node-page',
            entry: 'panels/cpu/index.html',
            topics: ['metrics.sample'],
          },
        ],
      },
    );
    writePluginDir(pluginsDir, 'dashboard', NOOP, {});
    await writePluginUi(join(pluginsDir, 'dashboard'), 'ui', {
      'index.html': '<!doctype html><title>d</title>',
    });
    writePluginDir(pluginsDir, 'no-ui', NOOP, {});
    // Sealed, then one file changed: what a publisher signed is no longer what is on disk.
    writePluginDir(pluginsDir, 'tampered', NOOP, {});
    await writePluginUi(join(pluginsDir, 'tampered'), 'web', { 'index.html': '<p>signed</p>' });
    writeFileSync(join(pluginsDir, 'tampered', 'web', 'index.html'), '<script>steal()</script>');
    k = await startTempKernel({ plugins: { dirs: [pluginsDir], warmHosts: 0 } });
  });

  afterAll(async () => {
    await k?.stop();
    if (k) removeDir(k.dataDir);
    removeDir(pluginsDir);
  });

  it('serves the entry page without a token, with the strict CSP, nosniff and an ETag', async () => {
    expect((await k.api('/api/v1/kernel', { token: false })).status).toBe(401);
    const res = await get('/ui/panel-demo/');
    expect(res.status).toBe(200);
    expect(await res.text()).toBe(PAGE);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const csp = res.headers.get('content-security-policy') ?? '';
    // Not the shell plugin: its pages get an opaque origin (sandbox), away from the dashboard's tokens.
    expect(csp).toBe(shellCspFor(new URL(k.url), true));
    expect(csp).toContain('sandbox allow-scripts');
    expect(csp).not.toContain('allow-same-origin');
    expect((await get('/ui/dashboard/')).headers.get('content-security-policy')).toBe(
      shellCspFor(new URL(k.url)),
    );
    expect(csp).not.toMatch(/unsafe-(eval|inline)/);
    for (const d of [
      "default-src 'none'",
      "script-src 'self'",
      "connect-src 'self'",
      "frame-ancestors 'none'",
    ])
      expect(csp).toContain(d);
    expect(csp).toContain(`frame-src http://*.localhost:${new URL(k.url).port}`);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('cache-control')).toBe('no-cache');
    const etag = `"${createHash('sha256').update(PAGE).digest('base64url')}"`;
    expect(res.headers.get('etag')).toBe(etag);
    expect((await get('/ui/panel-demo/index.html')).headers.get('etag')).toBe(etag);
  });

  it('answers 304 to a matching If-None-Match, and the full file to a stale one', async () => {
    const first = await get('/ui/panel-demo/');
    const etag = first.headers.get('etag') ?? '';
    const again = await get('/ui/panel-demo/', { 'if-none-match': etag });
    expect(again.status).toBe(304);
    expect(await again.text()).toBe('');
    expect(again.headers.get('etag')).toBe(etag);
    expect((await get('/ui/panel-demo/', { 'if-none-match': `"x", W/${etag}` })).status).toBe(304);
    const stale = await get('/ui/panel-demo/', { 'if-none-match': '"stale"' });
    expect(stale.status).toBe(200);
    expect(await stale.text()).toBe(PAGE);
  });

  it('serves hashed assets immutable, everything else no-cache, each with its content type', async () => {
    const cases: Array<[string, string, string]> = [
      ['assets/app-Ab12Cd34.js', 'text/javascript; charset=utf-8', 'public, max-age=31536000, immutable'],
      ['assets/app-Ab12Cd34.css', 'text/css; charset=utf-8', 'public, max-age=31536000, immutable'],
      ['logo.png', 'image/png', 'no-cache'],
      ['data.bin', 'application/octet-stream', 'no-cache'],
      ['sw.js', 'text/javascript; charset=utf-8', 'no-cache'],
    ];
    for (const [path, type, cache] of cases) {
      const res = await get(`/ui/panel-demo/${path}`);
      expect([path, res.status, res.headers.get('content-type'), res.headers.get('cache-control')]).toEqual([
        path,
        200,
        type,
        cache,
      ]);
      expect(res.headers.get('content-security-policy')).toBe(shellCspFor(new URL(k.url), true));
    }
    expect(Buffer.from(await (await get('/ui/panel-demo/logo.png')).arrayBuffer())).toEqual(PNG);
    const head = await fetch(`${k.url}/ui/panel-demo/assets/app-Ab12Cd34.js`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers.get('etag')).toMatch(/^"[A-Za-z0-9_-]{43}"$/);
  });

  it('answers problem+json 404 for unknown files, plugins without a UI and unknown plugins', async () => {
    for (const path of [
      '/ui/panel-demo/nope.js',
      '/ui/panel-demo/assets/',
      '/ui/no-ui/',
      '/ui/ghost/',
      '/ui/ghost',
    ]) {
      const res = await get(path);
      expect([path, res.status, res.headers.get('content-type')]).toEqual([
        path,
        404,
        'application/problem+json',
      ]);
      expect(((await res.json()) as { code: string }).code).toBe('OMEGA_ERR_NOT_FOUND');
    }
    const bare = await get('/ui/panel-demo');
    expect([bare.status, bare.headers.get('location')]).toEqual([301, '/ui/panel-demo/']);
  });

  it('never leaves the UI folder: .., %2e%2e, backslashes, encoded slashes, NUL, dot-files', async () => {
    const attempts = [
      '/ui/panel-demo/../plugin.json',
      '/ui/panel-demo/../../secret.txt',
      '/ui/panel-demo/%2e%2e/plugin.js',
      '/ui/panel-demo/%2e%2e/%2e%2e/secret.txt',
      '/ui/panel-demo/..%2fplugin.js',
      '/ui/panel-demo/..%2f..%2fsecret.txt',
      '/ui/panel-demo/%2e%2e%2f%2e%2e%2fsecret.txt',
      '/ui/panel-demo/..\\plugin.js',
      '/ui/panel-demo/..%5cplugin.js',
      '/ui/panel-demo/assets%5c..%5c..%5cplugin.js',
      '/ui/panel-demo/index.html%00',
      '/ui/panel-demo/index.html%00.png',
      '/ui/panel-demo/.%2e/plugin.js',
      '/ui/panel-demo/%2fetc%2fpasswd',
      '/ui/panel-demo//etc/passwd',
      '/ui/panel-demo/%',
      '/ui/panel-demo/%c0%ae%c0%ae/plugin.js',
      '/ui/%2e%2e/panel-demo/plugin.js',
      '/ui/panel-demo%2f..%2fsecret.txt/x',
    ];
    for (const path of attempts) {
      const res = await rawGet(k.url, path);
      expect(res.body).not.toContain(SECRET);
      if (path.includes('\\')) {
        // A raw backslash never reaches a route: the HTTP server refuses the request line.
        expect([path, res.status]).toEqual([path, 400]);
        continue;
      }
      expect([path, res.status, res.type]).toEqual([path, 404, 'application/problem+json']);
    }
  });

  it('refuses a plugin whose UI was changed after it was sealed (and signed)', async () => {
    expect((await get('/ui/tampered/')).status).toBe(404);
    expect((await k.api('/api/v1/plugins/tampered')).status).toBe(404);
    const found = await discoverPlugins({ dirs: [pluginsDir] });
    const refusal = found.errors.find((e) => e.dirs[0]?.endsWith('tampered'));
    expect(refusal?.error.code).toBe('OMEGA_ERR_MANIFEST_INVALID');
    expect(refusal?.error.extras).toMatchObject({ field: 'ui' });
    expect(found.plugins.map((p) => p.manifest.name)).toEqual(['dashboard', 'no-ui', 'panel-demo']);
  });

  it('serves what it verified at load, not what is on disk now', async () => {
    writeFileSync(join(pluginsDir, 'panel-demo', 'web', 'index.html'), '<script>changed()</script>');
    expect(await (await get('/ui/panel-demo/')).text()).toBe(PAGE);
  });

  it("serves panel files only on the plugin's own panel origin, sandboxed with connect-src 'none'", async () => {
    const port = new URL(k.url).port;
    const onPanel = await rawGet(k.url, '/ui/panel-demo/panels/cpu/index.html', {
      host: `panel-demo.localhost:${port}`,
    });
    // The page as verified, with the kernel's WebRTC guard as its first script (panel-guard.ts).
    const guardPath = `/ui/panel-demo/panels/${PANEL_GUARD_NAME}`;
    expect([onPanel.status, onPanel.body]).toEqual([200, withPanelGuard(PANEL, guardPath)]);
    const guard = await rawGet(k.url, guardPath, { host: `panel-demo.localhost:${port}` });
    expect([guard.status, guard.body]).toEqual([200, PANEL_GUARD_JS]);
    expect(String(guard.headers['content-type'])).toMatch(/javascript/);
    expect((await get(guardPath)).status).toBe(404); // only on the panel's own origin
    const csp = String(onPanel.headers['content-security-policy']);
    for (const d of [
      "default-src 'none'",
      "connect-src 'none'",
      "worker-src 'none'",
      "trusted-types 'none'",
      "require-trusted-types-for 'script'",
      "webrtc 'block'",
      'sandbox allow-scripts',
    ])
      expect(csp).toContain(d);
    expect(csp).toContain(`frame-ancestors http://127.0.0.1:${port}`);
    expect(csp).not.toMatch(/unsafe-|allow-same-origin/);
    expect(onPanel.headers['x-content-type-options']).toBe('nosniff');
    // Never on the kernel's own origin (it would run with the shell's origin and its tokens)…
    expect((await get('/ui/panel-demo/panels/cpu/index.html')).status).toBe(404);
    expect((await get('/ui/panel-demo/panels/cpu/panel.js')).status).toBe(404);
    // …nor on another plugin's panel origin; and the shell's files never on a panel origin.
    for (const [host, path] of [
      [`dashboard.localhost:${port}`, '/ui/panel-demo/panels/cpu/index.html'],
      [`panel-demo.localhost:${port}`, '/ui/panel-demo/'],
      [`panel-demo.localhost:${port}`, '/ui/panel-demo/assets/app-Ab12Cd34.js'],
      [`panel-demo.localhost:${port}`, '/ui/dashboard/'],
    ] as const) {
      const res = await rawGet(k.url, path, { host });
      expect([host, path, res.status]).toEqual([host, path, 404]);
    }
  });

  it('GET / redirects to the dashboard while it runs; a disabled plugin UI answers 503', async () => {
    const home = await get('/');
    expect([home.status, home.headers.get('location')]).toEqual([302, '/ui/dashboard/']);
    expect((await get('/ui/dashboard/')).status).toBe(200);
    expect((await k.api('/api/v1/plugins/dashboard/disable', { method: 'POST' })).status).toBe(200);
    const off = await get('/ui/dashboard/');
    expect(off.status).toBe(503);
    expect(((await off.json()) as { code: string }).code).toBe('OMEGA_ERR_PLUGIN_UNAVAILABLE');
    const plain = await get('/');
    expect(plain.status).toBe(200);
    expect(await plain.json()).toMatchObject({ api: '/api/v1', openapi: '/api/v1/openapi.json' });
    expect((await k.api('/api/v1/plugins/dashboard/enable', { method: 'POST' })).status).toBe(200);
    expect((await get('/')).status).toBe(302);
    expect((await get('/ui/dashboard/')).status).toBe(200);
  });
});
