import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { readUiFolder } from '@omega/protocol/archive';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { attachMarketplace, type Marketplace } from '../../marketplace/index.js';
import { removeDir, startTempKernel, type TempKernel } from '../helpers/temp-kernel.js';
import { createFixtureRepo, type FixtureRepo, refusal } from './fixture-repo.js';

const code = (tag: string) =>
  `export const plugin = { routes: { async hello() { return { status: 200, body: { hello: '${tag}' } }; } } };\n`;
const failing = `export const plugin = { activate() { throw new Error('broken release'); }, routes: { async hello() { return { status: 200, body: {} }; } } };\n`;
const manifest = (version: string) => ({
  name: 'gauge',
  version,
  permissions: ['http:routes'],
  routes: [{ method: 'GET', path: '/hello', handler: 'hello', permission: 'gauge:read' }],
  ui: {
    root: 'ui',
    panels: [{ id: 'dial', title: 'Dial', slot: 'node-page', entry: 'panels/dial/index.html' }],
  },
});
const PAGE = '<!doctype html><title>dial</title><script src="./dial.js"></script>';
const ui = (js: string, extra: Record<string, string> = {}) => ({
  'index.html': '<!doctype html><title>gauge</title>',
  'panels/dial/index.html': PAGE,
  'panels/dial/dial.js': js,
  ...extra,
});

/** One raw GET on the plugin's panel origin (`gauge.localhost`). */
function onPanelOrigin(url: string, path: string): Promise<{ status: number; body: string }> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const req = request(
      { host: hostname, port, path, headers: { host: `gauge.localhost:${port}` } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }),
        );
      },
    );
    req.on('error', reject);
    req.end();
  });
}

/** A plugin with a UI panel through the marketplace (a real signed repository, offline directory source). */
describe('marketplace install, upgrade and rollback of a plugin with a panel', () => {
  let k: TempKernel;
  let repo: FixtureRepo;
  let m: Marketplace;
  const files = async () =>
    [...(await readUiFolder(join(k.dataDir, 'plugins', 'gauge', 'ui'))).keys()].sort();
  const dialJs = async () => (await onPanelOrigin(k.url, '/ui/gauge/panels/dial/dial.js')).body;

  beforeAll(async () => {
    repo = await createFixtureRepo();
    await repo.release(manifest('1.0.0'), code('v1'), { ui: ui('/* v1 */') });
    k = await startTempKernel({ plugins: { dirs: [], warmHosts: 0 } });
    m = attachMarketplace(k.kernel, { healthWindowMs: 400 }).marketplace;
    await m.addSource({
      name: 'local',
      location: repo.dir,
      root: readFileSync(join(repo.dir, 'root.json'), 'utf8'),
    });
  });
  afterAll(async () => {
    await k?.stop();
    if (k) removeDir(k.dataDir);
    removeDir(repo.dir);
  });

  it('shows the panel in the consent plan; once approved, places its UI, lists the panel and serves it on its origin', async () => {
    const err = await refusal(m.apply({ op: 'install', name: 'gauge' }, { yes: true }));
    expect(err.code).toBe('OMEGA_ERR_CONSENT_REQUIRED');
    const plan = await m.plan({ op: 'install', name: 'gauge' });
    expect(plan.steps[0]?.diff.panels.added).toEqual([
      'panel dial on node-page: topics none; reads none; actions none',
    ]);
    await m.apply({ op: 'install', name: 'gauge' }, { consent: plan.consent });
    expect(await files()).toEqual(['index.html', 'panels/dial/dial.js', 'panels/dial/index.html']);
    const listed = (await (await k.api('/api/v1/ui/panels')).json()) as {
      items: Array<{ plugin: string; id: string }>;
    };
    expect(listed.items.map((p) => `${p.plugin}/${p.id}`)).toEqual(['gauge/dial']);
    const page = await onPanelOrigin(k.url, '/ui/gauge/panels/dial/index.html');
    expect(page.status).toBe(200);
    expect(page.body).toContain('<title>dial</title>');
    expect(await dialJs()).toBe('/* v1 */');
  });

  it('an upgrade replaces the UI whole; a release failing its health check switches back to the old UI', async () => {
    await repo.release(manifest('1.1.0'), code('v1.1'), {
      ui: ui('/* v1.1 */', { 'panels/dial/dial.css': 'body{}' }),
    });
    await m.apply({ op: 'upgrade', name: 'gauge' }, { yes: true }); // same permissions and panel
    expect(k.kernel.plugins.info('gauge')).toMatchObject({ version: '1.1.0', status: 'running' });
    expect(await files()).toEqual([
      'index.html',
      'panels/dial/dial.css',
      'panels/dial/dial.js',
      'panels/dial/index.html',
    ]);
    expect(await dialJs()).toBe('/* v1.1 */');

    await repo.release(manifest('1.2.0'), failing, { ui: { ...ui('/* v1.2 */'), 'panels/dial/new.js': '' } });
    const err = await refusal(m.apply({ op: 'upgrade', name: 'gauge' }, { yes: true }));
    expect(err.code).toBe('OMEGA_ERR_PLUGIN_FAILED');
    expect(err.extras).toMatchObject({ plugin: 'gauge', version: '1.2.0', restored: '1.1.0' });
    // 1.1.0 back from the artifact store, UI files included (and 1.2.0's gone)
    expect(k.kernel.plugins.info('gauge')).toMatchObject({ version: '1.1.0', status: 'running' });
    expect(await files()).toEqual([
      'index.html',
      'panels/dial/dial.css',
      'panels/dial/dial.js',
      'panels/dial/index.html',
    ]);
    expect(await dialJs()).toBe('/* v1.1 */');
  });
});
