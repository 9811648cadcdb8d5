import { cpSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PluginView } from '../../kernel/plugins/manager/index.js';
import { removeDir, startTempKernel, type TempKernel } from '../helpers/temp-kernel.js';
import { writePluginDir } from '../helpers/write-plugin-dir.js';

const FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'plugins');

// `slow` yields between chunks (a host call): code that stays inside the isolate for spinMs (1 s)
// without coming back is stopped as a spin.
const GUARDED = `export const plugin = {
  routes: {
    async page() { return { status: 200, headers: { 'content-type': 'text/html', 'set-cookie': 'sid=evil', 'access-control-allow-origin': '*' }, body: '<script>alert(1)</script>' }; },
    async early() { return { status: 101, body: 'x' }; },
    async oops() { throw new Error('secret detail /srv/plugins/guarded/keys.txt'); },
    async gone() { return { status: 404, headers: { 'content-type': 'application/problem+json' }, body: { type: 'urn:omega:error:OMEGA_ERR_NOT_FOUND', title: 'Not found', status: 404, code: 'OMEGA_ERR_NOT_FOUND', detail: 'No such thing.' } }; },
    async slow(_req, ctx) { let x = 0; for (let j = 0; j < 8; j++) { for (let i = 0; i < 2e7; i++) x += i; await ctx.services.call('well-behaved.double', { value: j }); } return { status: 200, body: { x } }; },
    async whoami(req) { return { status: 200, body: { caller: req.caller.id, kind: req.caller.kind, auth: req.headers.authorization ?? null } }; },
    async twice(req, ctx) { return { status: 200, body: await ctx.services.call('well-behaved.double', { value: req.body.value }) }; },
  },
};
`;

describe('plugins in a running kernel', () => {
  let k: TempKernel;
  let pluginsDir: string;
  const api = (path: string, init: RequestInit & { token?: string | false } = {}) => k.api(path, init);
  const post = (path: string, body?: unknown, token?: string | false) =>
    api(path, {
      method: 'POST',
      ...(body === undefined
        ? {}
        : { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }),
      ...(token === undefined ? {} : { token }),
    });
  const info = async (name: string) => (await (await api(`/api/v1/plugins/${name}`)).json()) as PluginView;

  beforeAll(async () => {
    pluginsDir = mkdtempSync(join(tmpdir(), 'omega-plugins-'));
    cpSync(join(FIXTURES, 'well-behaved'), join(pluginsDir, 'well-behaved'), { recursive: true });
    cpSync(join(FIXTURES, 'loop-handler'), join(pluginsDir, 'loop-handler'), { recursive: true });
    writePluginDir(pluginsDir, 'guarded', GUARDED, {
      permissions: ['http:routes', 'services:call:well-behaved.double'],
      dependencies: { 'well-behaved': '^1.0.0' },
      routes: [
        { method: 'GET', path: '/page', handler: 'page', permission: 'public' },
        { method: 'GET', path: '/early', handler: 'early', permission: 'public' },
        { method: 'GET', path: '/oops', handler: 'oops', permission: 'public' },
        { method: 'GET', path: '/gone', handler: 'gone', permission: 'public' },
        { method: 'GET', path: '/slow', handler: 'slow', permission: 'public' },
        { method: 'GET', path: '/whoami', handler: 'whoami', permission: 'guarded:read' },
        { method: 'POST', path: '/twice', handler: 'twice', permission: 'guarded:write' },
      ],
    });
    writePluginDir(pluginsDir, 'ungranted', 'export const plugin = {};\n', {
      permissions: ['storage', 'timers'],
    });
    writePluginDir(pluginsDir, 'too-new', 'export const plugin = {};\n', { engines: { omega: '>=99.0.0' } });
    writePluginDir(
      pluginsDir,
      'crashy',
      'export const plugin = { activate() { throw new Error("boom at activation"); } };\n',
      {},
    );
    writePluginDir(pluginsDir, 'orphan', 'export const plugin = {};\n', {
      dependencies: { 'not-installed': '^1.0.0' },
    });
    const grantsFile = join(pluginsDir, 'grants.json');
    const granted = (p: string[]) => ({ granted: p, denied: [] });
    writeFileSync(
      grantsFile,
      JSON.stringify({
        'well-behaved': granted([
          'http:routes',
          'storage',
          'events:subscribe:demo.**',
          'events:publish:demo.*',
          'timers',
          'log',
        ]),
        'loop-handler': granted(['http:routes', 'log']),
        guarded: granted(['http:routes', 'services:call:well-behaved.double']),
        ungranted: granted(['storage']),
        crashy: granted([]),
      }),
    );
    k = await startTempKernel({ plugins: { dirs: [pluginsDir], grantsFile, warmHosts: 1 } });
  });
  afterAll(async () => {
    await k?.stop();
    removeDir(k.dataDir);
    removeDir(pluginsDir);
  });

  it('starts granted, compatible plugins and says why the others did not start', async () => {
    const { items } = (await (await api('/api/v1/plugins')).json()) as { items: PluginView[] };
    const byName = Object.fromEntries(items.map((p) => [p.name, p]));
    expect(byName['well-behaved']?.status).toBe('running');
    expect(byName.guarded?.status).toBe('running');
    expect(byName.ungranted).toMatchObject({ status: 'refused', permissions: { missing: ['timers'] } });
    expect(byName.ungranted?.reasons[0]?.code).toBe('OMEGA_ERR_PLUGIN_NOT_GRANTED');
    expect(byName.ungranted?.reasons[0]?.message).toContain('timers');
    expect(byName['too-new']?.reasons[0]?.code).toBe('OMEGA_ERR_PLUGIN_INCOMPATIBLE');
    expect(byName.orphan?.reasons[0]?.code).toBe('OMEGA_ERR_PLUGIN_DEPENDENCY');
    expect(byName.orphan?.reasons[0]?.message).toContain('not-installed');
    const kernel = (await (await api('/api/v1/kernel')).json()) as { plugins: Array<{ name: string }> };
    expect(kernel.plugins.map((p) => p.name)).toContain('well-behaved');
  });

  it('serves plugin routes under /api/v1/<plugin> and lists them in OpenAPI with their permission', async () => {
    const res = await post('/api/v1/well-behaved/ping', undefined, false);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ pong: true });
    const doc = (await (await api('/api/v1/openapi.json')).json()) as {
      paths: Record<string, Record<string, Record<string, unknown>>>;
    };
    expect(doc.paths['/api/v1/guarded/whoami']?.get?.['x-omega-permission']).toBe('guarded:read');
    expect(doc.paths['/api/v1/well-behaved/ping']?.post?.security).toEqual([]);
  });

  it('authorizes plugin routes in the kernel before the plugin runs, and never forwards credentials', async () => {
    expect((await api('/api/v1/guarded/whoami', { token: false })).status).toBe(401);
    const res = await api('/api/v1/guarded/whoami');
    expect(await res.json()).toEqual({ caller: 'admin', kind: 'admin-token', auth: null });
  });

  it('serves nothing active on the kernel origin: no cookies, no CORS, no HTML; no 1xx; no thrown detail', async () => {
    const page = await api('/api/v1/guarded/page', { token: false });
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(page.headers.get('set-cookie')).toBeNull();
    expect(page.headers.get('access-control-allow-origin')).toBeNull();
    expect(page.headers.get('content-security-policy')).toContain('sandbox');
    const early = await api('/api/v1/guarded/early', { token: false });
    expect(early.status).toBe(502);
    const oops = await api('/api/v1/guarded/oops', { token: false });
    expect(oops.status).toBe(502);
    const text = await oops.text();
    expect(text).toContain('OMEGA_ERR_PLUGIN_FAILED');
    expect(text).not.toContain('/srv/plugins');
    // A plugin's own problem+json keeps its media type.
    const gone = await api('/api/v1/guarded/gone', { token: false });
    expect(gone.status).toBe(404);
    expect(gone.headers.get('content-type')).toBe('application/problem+json');
  });

  it('lets a request in flight finish when its plugin is reloaded', async () => {
    const slow = api('/api/v1/guarded/slow', { token: false });
    await new Promise((r) => setTimeout(r, 60));
    const reload = post('/api/v1/plugins/guarded/reload');
    const res = await slow;
    expect(res.status).toBe(200);
    expect((await reload).status).toBe(200);
    expect((await info('guarded')).status).toBe('running');
  });

  it('calls another plugin’s declared service through the kernel', async () => {
    const res = await post('/api/v1/guarded/twice', { value: 21 });
    expect(await res.json()).toEqual({ value: 42 });
  });

  it('keeps serving other plugins while one spins in a handler', async () => {
    const spinning = post('/api/v1/loop-handler/spin', undefined, false);
    for (let i = 0; i < 5; i++)
      expect((await post('/api/v1/well-behaved/ping', undefined, false)).status).toBe(200);
    const res = await spinning;
    expect(res.status).toBe(504);
    expect(((await res.json()) as { code: string }).code).toBe('OMEGA_ERR_PLUGIN_TIMEOUT');
  });

  it('disables a plugin live (routes gone, state kept across reload) and enables it again', async () => {
    const before = await info('well-behaved');
    const disabled = (await (await post('/api/v1/plugins/well-behaved/disable')).json()) as PluginView;
    expect(disabled.status).toBe('disabled');
    expect(before.runtime?.pid).toBeDefined();
    expect((await post('/api/v1/well-behaved/ping', undefined, false)).status).toBe(404);
    const enabled = (await (await post('/api/v1/plugins/well-behaved/enable')).json()) as PluginView;
    expect(enabled.status).toBe('running');
    expect((await post('/api/v1/well-behaved/ping', undefined, false)).status).toBe(200);
    const reloaded = (await (await post('/api/v1/plugins/well-behaved/reload')).json()) as PluginView;
    expect(reloaded.status).toBe('running');
    expect(reloaded.runtime?.pid).not.toBe(enabled.runtime?.pid);
    // The plugin wrote to its storage in deactivate(): its namespace persisted through the kernel.
    const saved = await k.kernel.storage.get<{ hits: number }>('well-behaved', 'state', 'deactivated');
    expect(saved?.value.hits).toBeGreaterThanOrEqual(1);
  });

  it('applies grants changed through the API on enable', async () => {
    const res = await api('/api/v1/plugins/ungranted/grants', {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ granted: ['storage', 'timers'] }),
    });
    expect(res.status).toBe(200);
    const enabled = (await (await post('/api/v1/plugins/ungranted/enable')).json()) as PluginView;
    expect(enabled.status).toBe('running');
    const bad = await api('/api/v1/plugins/ungranted/grants', {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ granted: ['events:publish:'] }),
    });
    expect(bad.status).toBe(400);
  });

  it('quarantines a plugin that keeps throwing out of activation, with the reason in the API and on the bus', async () => {
    const events: string[] = [];
    const sub = k.kernel.bus.subscribe(
      ['plugins.plugin.*'],
      (batch) => {
        for (const e of batch) if ((e.data as { plugin: string }).plugin === 'crashy') events.push(e.topic);
      },
      { since: 0 },
    );
    let view = await info('crashy');
    for (let i = 0; i < 200 && view.status !== 'quarantined'; i++) {
      expect((await post('/api/v1/well-behaved/ping', undefined, false)).status).toBe(200);
      await new Promise((r) => setTimeout(r, 50));
      view = await info('crashy');
    }
    sub.unsubscribe();
    expect(view.status).toBe('quarantined');
    expect(view.runtime?.reason).toBeTruthy();
    expect(view.runtime?.lastCrash?.reason).toMatch(/activat/i);
    expect(events).toContain('plugins.plugin.quarantined');
    expect(events.filter((t) => t === 'plugins.plugin.backoff').length).toBeGreaterThanOrEqual(1);
  });

  it('lets the operator choose who may call a route (grants override the manifest permission)', async () => {
    expect((await api('/api/v1/guarded/whoami', { token: false })).status).toBe(401);
    const put = await api('/api/v1/plugins/guarded/grants', {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        granted: ['http:routes', 'services:call:well-behaved.double'],
        routes: { 'GET /whoami': 'public' },
      }),
    });
    expect(put.status).toBe(200);
    expect((await post('/api/v1/plugins/guarded/reload')).status).toBe(200);
    const open = await api('/api/v1/guarded/whoami', { token: false });
    expect(open.status).toBe(200);
    expect(await open.json()).toEqual({ caller: '', kind: 'anonymous', auth: null });
    const view = await info('guarded');
    expect(view.routes.find((r) => r.path.endsWith('/whoami'))?.permission).toBe('public');
    const doc = (await (await api('/api/v1/openapi.json')).json()) as {
      paths: Record<string, Record<string, Record<string, unknown>>>;
    };
    expect(doc.paths['/api/v1/guarded/whoami']?.get?.['x-omega-permission']).toBe('public');
    const bad = await api('/api/v1/plugins/guarded/grants', {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ granted: [], routes: { 'GET /whoami': 'everyone!' } }),
    });
    expect(bad.status).toBe(400);
  });

  it('answers unknown and malformed plugin names with 404 and 400', async () => {
    expect((await api('/api/v1/plugins/nope-nope')).status).toBe(404);
    expect((await api('/api/v1/plugins/..%2f..%2fetc')).status).toBeLessThan(500);
    expect((await post('/api/v1/plugins/NOT_A_NAME/enable')).status).toBe(400);
  });
});
