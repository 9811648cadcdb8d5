import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import {
  computeUiIntegrity,
  decodeArchive,
  encodeArchive,
  PLUGIN_ARCHIVE_FORMAT,
  type PluginArchive,
  readUiFolder,
  signingPayload,
} from '@omega/protocol/archive';
import { CompactSign, importJWK, type JWK } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { trustedPublishersFile, trustPublisher } from '../../kernel/plugins/install/index.js';
import { attachMarketplace, type Plan } from '../../marketplace/index.js';
import { buildPlugin, setManifestFields } from '../../sdk/src/build/index.js';
import { packPlugin } from '../../sdk/src/pack/index.js';
import { initPlugin } from '../../sdk/src/scaffold/index.js';
import { generatePublisherKey, signPlugin } from '../../sdk/src/sign/index.js';
import { removeDir, startTempKernel, type TempKernel } from '../helpers/temp-kernel.js';
import { bundleScaffoldPanel } from './bundle-scaffold-panel.js';

const _SDK = join(import.meta.dirname, '..', '..', 'sdk');

/** One raw GET with a Host header of our choosing (a panel origin is `<plugin>.localhost`). */
function getOn(url: string, host: string, path: string): Promise<{ status: number; body: string }> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const req = request(
      { host: hostname, port, path, method: 'GET', headers: { host: `${host}:${port}` } },
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

/** Signs an archive's manifest + bundle with a private JWK file (as omega-plugin sign does). */
async function resign(doc: PluginArchive, keyFile: string): Promise<PluginArchive> {
  const jwk = JSON.parse(readFileSync(keyFile, 'utf8')) as JWK & { kid: string };
  const m = JSON.parse(doc.manifest) as { name: string; version: string; main: string };
  const payload = signingPayload(
    m.name,
    m.version,
    doc.manifest,
    Buffer.from(doc.files[m.main] ?? '', 'base64'),
  );
  const jws = await new CompactSign(new TextEncoder().encode(payload))
    .setProtectedHeader({ alg: 'EdDSA', kid: jwk.kid })
    .sign(await importJWK(jwk, 'EdDSA'));
  const [h, , s] = jws.split('.');
  return { ...doc, signature: `${h}..${s}` };
}

/**
 * A plugin with a dashboard panel (the `omega-plugin init --panel` scaffold, its panel bundled
 * as `npm run build:panel` does) packed, installed from the archive into a running kernel
 * through the API, and served on its panel origin.
 */
describe('installing a packed plugin with a UI panel', () => {
  const work = mkdtempSync(join(tmpdir(), 'omega-install-ui-'));
  const dir = join(work, 'chart');
  let k: TempKernel;
  let trustedKey: string;
  let strangerKey: string;
  let v1: Buffer;

  const install = (body: Uint8Array, query = '') =>
    k.api(`/api/v1/plugins/install${query}`, {
      method: 'POST',
      body,
      headers: { 'content-type': 'application/octet-stream' },
    });
  const refusal = async (res: Response) => {
    const body = (await res.json()) as { code: string; detail: string; path?: string };
    return { status: res.status, ...body };
  };
  const installed = () => join(k.dataDir, 'plugins');
  const installedUi = async () => [...(await readUiFolder(join(installed(), 'chart', 'ui'))).keys()].sort();
  const version = async () =>
    ((await (await k.api('/api/v1/plugins/chart')).json()) as { version: string }).version;

  async function packVersion(v: string): Promise<Buffer> {
    writeFileSync(
      join(dir, 'plugin.json'),
      setManifestFields(readFileSync(join(dir, 'plugin.json'), 'utf8'), { version: v }),
    );
    await buildPlugin(dir, { typecheck: false }); // type checks: tests/sdk/build.test.ts
    await signPlugin(dir, trustedKey);
    return readFileSync((await packPlugin(dir, work)).file);
  }

  beforeAll(async () => {
    await initPlugin(work, 'chart', { panel: true });
    await bundleScaffoldPanel(dir);
    trustedKey = (await generatePublisherKey(work, 'trusted')).privateKeyFile;
    strangerKey = (await generatePublisherKey(work, 'stranger')).privateKeyFile;
    v1 = await packVersion('0.1.0');
    k = await startTempKernel({ plugins: { dirs: [], warmHosts: 0 } });
    attachMarketplace(k.kernel);
    await trustPublisher(
      trustedPublishersFile(k.dataDir),
      JSON.parse(readFileSync(join(work, 'trusted.public.jwk'), 'utf8')),
    );
  });
  afterAll(async () => {
    await k?.stop();
    if (k) removeDir(k.dataDir);
    removeDir(work);
  });

  it('the consent plan shows the panel; once approved, the panel is placed, listed and served on its own origin', async () => {
    const asked = await install(v1);
    expect(asked.status).toBe(409);
    const { plan, consent } = (await asked.json()) as { plan: Plan; consent: string };
    expect(plan.steps[0]?.diff.panels.added).toEqual([
      'panel hello on dashboard: topics chart.**; reads /api/v1/chart/hello; actions none',
    ]);
    expect(existsSync(join(installed(), 'chart'))).toBe(false);
    const ok = await install(v1, `?consent=${consent}`);
    expect(ok.status).toBe(201);
    expect(((await ok.json()) as { started: { status: string } }).started.status).toBe('running');
    // On disk: plugin.json, the bundle and exactly the UI files the scaffold built.
    expect(await installedUi()).toEqual([...(await readUiFolder(join(dir, 'ui'))).keys()].sort());
    const listed = (await (await k.api('/api/v1/ui/panels')).json()) as {
      items: Array<{ plugin: string; id: string; path: string }>;
    };
    expect(listed.items.map((p) => [p.plugin, p.id, p.path])).toEqual([
      ['chart', 'hello', '/ui/chart/panels/hello/index.html'],
    ]);
    const page = await getOn(k.url, 'chart.localhost', '/ui/chart/panels/hello/index.html');
    expect(page.status).toBe(200);
    expect(page.body).toContain('<p id="message">Connecting…</p>');
    expect(page.body.indexOf('.omega-panel-guard.js')).toBeLessThan(page.body.indexOf('./panel.js'));
    const js = await getOn(k.url, 'chart.localhost', '/ui/chart/panels/hello/panel.js');
    expect([js.status, js.body]).toEqual([
      200,
      readFileSync(join(dir, 'ui', 'panels', 'hello', 'panel.js'), 'utf8'),
    ]);
    // never on the kernel's own origin
    expect((await k.api('/ui/chart/panels/hello/index.html')).status).toBe(404);
  });

  it('refuses a tampered panel file (re-signed or not), a path outside ui.root or up, a name given twice; nothing changes', async () => {
    const doc = decodeArchive(v1);
    const js = 'ui/panels/hello/panel.js';
    const tampered = {
      ...doc,
      files: { ...doc.files, [js]: Buffer.from('parent.x = 1;').toString('base64') },
    };
    const r1 = await refusal(await install(encodeArchive(tampered)));
    expect([r1.status, r1.code]).toEqual([400, 'OMEGA_ERR_MANIFEST_INVALID']);
    expect(r1.detail).toMatch(/do not match the manifest's ui\.integrity/);

    // …with ui.integrity rewritten to match: the publisher's signature no longer holds
    const files = new Map(
      Object.entries(tampered.files)
        .filter(([p]) => p.startsWith('ui/'))
        .map(([p, b]) => [p.slice(3), Buffer.from(b, 'base64')]),
    );
    const manifest = JSON.parse(doc.manifest) as { ui: { integrity: string } };
    manifest.ui.integrity = computeUiIntegrity(files);
    const rewritten = { ...tampered, manifest: JSON.stringify(manifest, null, 2) };
    const r2 = await refusal(await install(encodeArchive(rewritten)));
    expect([r2.status, r2.code]).toEqual([400, 'OMEGA_ERR_SIGNATURE_INVALID']);
    // …and re-signed, by a key this kernel does not trust
    const r3 = await refusal(await install(encodeArchive(await resign(rewritten, strangerKey))));
    expect([r3.status, r3.code]).toEqual([400, 'OMEGA_ERR_SIGNATURE_INVALID']);
    expect(r3.detail).toMatch(/does not trust/);

    for (const [path, code] of [
      ['ui/../../evil.js', 'OMEGA_ERR_VALIDATION'],
      ['ui/panels/../../../evil.js', 'OMEGA_ERR_VALIDATION'],
      ['/etc/evil.js', 'OMEGA_ERR_VALIDATION'],
      ['ui/panels/.hidden.js', 'OMEGA_ERR_VALIDATION'],
      ['ui\\..\\evil.js', 'OMEGA_ERR_VALIDATION'],
      ['lib/evil.js', 'OMEGA_ERR_MANIFEST_INVALID'],
      ['ui/panels/hello/index.html/x.js', 'OMEGA_ERR_MANIFEST_INVALID'],
    ] as const) {
      const r = await refusal(
        await install(encodeArchive({ ...doc, files: { ...doc.files, [path]: 'AA==' } })),
      );
      expect([path, r.status, r.code]).toEqual([path, 400, code]);
      expect(r.detail).toContain(path.slice(0, 20));
    }
    // A name given twice: JSON.parse would keep the last silently; the archive is refused instead.
    const text = gunzipSync(v1).toString('utf8');
    const twice = text.replace(
      '"files":{',
      `"files":{"${js}":"${Buffer.from('evil()').toString('base64')}",`,
    );
    expect(JSON.parse(twice).files[js]).toBe(doc.files[js]); // the duplicate alone would have passed
    const r4 = await refusal(await install(gzipSync(twice)));
    expect([r4.status, r4.code]).toEqual([400, 'OMEGA_ERR_VALIDATION']);
    expect(r4.detail).toContain(`"${js}" appears twice`);
    // A ui in the bundle-only format /1: refused with what to do.
    const r5 = await refusal(await install(encodeArchive({ ...doc, format: PLUGIN_ARCHIVE_FORMAT })));
    expect([r5.status, r5.code]).toEqual([400, 'OMEGA_ERR_MANIFEST_INVALID']);
    expect(r5.detail).toMatch(/cannot carry; pack it again/);

    // Nothing changed: the installed version, its files, no staging folder left behind.
    expect(readdirSync(installed())).toEqual(['chart']);
    expect(await installedUi()).toEqual([...(await readUiFolder(join(dir, 'ui'))).keys()].sort());
    expect((await getOn(k.url, 'chart.localhost', `/ui/chart/panels/hello/panel.js`)).status).toBe(200);
  });

  it('an upgrade replaces the UI whole (no leftovers); a UI the kernel would not load is refused before the swap', async () => {
    rmSync(join(dir, 'ui', 'panels', 'hello', 'panel.css'));
    writeFileSync(join(dir, 'ui', 'panels', 'hello', 'extra.js'), 'document.title = "v2";\n');
    const up = await install(await packVersion('0.2.0'), '?upgrade=true');
    expect(up.status).toBe(201); // the same panel, same permissions: nothing new to consent to
    expect(await version()).toBe('0.2.0');
    const ui = await installedUi();
    expect(ui).toContain('panels/hello/extra.js');
    expect(ui).not.toContain('panels/hello/panel.css');
    expect(ui).toEqual([...(await readUiFolder(join(dir, 'ui'))).keys()].sort());
    expect((await getOn(k.url, 'chart.localhost', '/ui/chart/panels/hello/extra.js')).status).toBe(200);
    expect((await getOn(k.url, 'chart.localhost', '/ui/chart/panels/hello/panel.css')).status).toBe(404);

    // A panel page making a child frame: sealed, signed and packed fine, but the kernel's
    // loader refuses it; the install finds out in its staging folder, before the swap.
    const page = join(dir, 'ui', 'panels', 'hello', 'index.html');
    writeFileSync(
      page,
      readFileSync(page, 'utf8').replace('<ul id="events"></ul>', '<iframe src="x"></iframe>'),
    );
    const bad = await refusal(await install(await packVersion('0.3.0'), '?upgrade=true'));
    expect([bad.status, bad.code]).toEqual([400, 'OMEGA_ERR_MANIFEST_INVALID']);
    expect(bad.detail).toMatch(/frame markup/);
    expect(await version()).toBe('0.2.0');
    expect(readdirSync(installed())).toEqual(['chart']);
    expect(await installedUi()).toEqual(ui);
    expect((await getOn(k.url, 'chart.localhost', '/ui/chart/panels/hello/extra.js')).status).toBe(200);
  });
});
