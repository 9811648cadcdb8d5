import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import formats from 'ajv-formats';
import { exportJWK, generateKeyPair } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { acceptsAbsentBody } from '../../kernel/http/route-validation/index.js';
import { BUNDLED_PLUGINS_DIR } from '../../kernel/plugins/manager/index.js';
import { attachMarketplace } from '../../marketplace/api/index.js';
import { removeDir, startTempKernel, type TempKernel } from '../helpers/temp-kernel.js';
import { writePluginDir } from '../helpers/write-plugin-dir.js';
import { writePluginUi } from '../helpers/write-plugin-ui.js';

/*
 * The kernel's own plugin and UI operations, called for real on a kernel running every core
 * plugin (and one test plugin with a panel that declares an action), each answer held against
 * the schema the live /api/v1/openapi.json documents for its status and media type.
 */

type FormatsPlugin = (ajv: Ajv2020) => Ajv2020;
const addFormats: FormatsPlugin =
  (formats as unknown as { default?: FormatsPlugin }).default ?? (formats as unknown as FormatsPlugin);

// biome-ignore lint/suspicious/noExplicitAny: the document and answers are read loosely; the schemas check them
type Doc = Record<string, any>;

/** `/api/v1/plugins/charts/disable` → `/api/v1/plugins/{name}/disable`, by the document's own paths. */
function templateOf(doc: Doc, method: string, path: string): string {
  const segs = path.split('/');
  const found = Object.keys(doc.paths).find((p) => {
    if (!doc.paths[p][method]) return false;
    const t = p.split('/');
    if (t.at(-1) === '*')
      return segs.length >= t.length && t.slice(0, -1).every((s, i) => s.startsWith('{') || s === segs[i]);
    return t.length === segs.length && t.every((s, i) => s.startsWith('{') || s === segs[i]);
  });
  if (!found) throw new Error(`no documented ${method} ${path}`);
  // A literal path beats a template (`/plugins/publishers` over `/plugins/{name}`).
  return doc.paths[path]?.[method] ? path : found;
}

describe("the kernel's plugin and UI operations answer what the OpenAPI document says", () => {
  let k: TempKernel;
  let dir: string;
  let doc: Doc;
  const ajv = new Ajv2020({ allErrors: true, strict: false });
  addFormats(ajv);
  /** Operations whose success answer was held against the document. */
  const checked = new Set<string>();

  /** Calls the kernel and asserts the answer's status, media type and body are the documented ones. */
  async function call(method: string, path: string, status: number, body?: unknown): Promise<Doc> {
    const res = await k.api(path, {
      method: method.toUpperCase(),
      redirect: 'manual',
      ...(body === undefined
        ? {}
        : { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }),
    });
    const text = await res.text();
    expect(res.status, `${method} ${path}: ${text.slice(0, 300)}`).toBe(status);
    const op = templateOf(doc, method, path);
    const documented = doc.paths[op][method].responses[String(status)];
    expect(documented, `${method} ${op} documents ${status}`).toBeDefined();
    checked.add(`${method.toUpperCase()} ${op} ${status}`);
    if (!documented.content) return {};
    const type = (res.headers.get('content-type') ?? '').split(';')[0]!.trim();
    const media = Object.keys(documented.content).find((m) => m.split(';')[0]!.trim() === type);
    expect(media, `${method} ${op} ${status}: ${type} is documented`).toBeDefined();
    const schema = documented.content[media!].schema;
    if (type !== 'application/json') return { text };
    expect(schema, `${method} ${op} ${status} has a schema`).toBeDefined();
    const answer = JSON.parse(text) as Doc;
    const validate = ajv.compile(schema);
    expect(
      validate(answer) ? [] : validate.errors,
      `${method} ${op} ${status}: ${text.slice(0, 300)}`,
    ).toEqual([]);
    return answer;
  }

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'omega-kernel-schemas-'));
    writePluginDir(dir, 'charts', 'export const plugin = {};\n', {});
    await writePluginUi(
      join(dir, 'charts'),
      'ui',
      { 'index.html': '<!doctype html><title>charts</title>', 'panels/a/index.html': '<!doctype html>' },
      {
        panels: [
          { id: 'a', title: 'A', slot: 'node-page', entry: 'panels/a/index.html', actions: ['charts.reset'] },
        ],
      },
    );
    k = await startTempKernel({ plugins: { dirs: [BUNDLED_PLUGINS_DIR, dir], warmHosts: 0 } });
    // The file install is the marketplace layer's route (omega start attaches it).
    attachMarketplace(k.kernel);
    for (let i = 0; i < 600 && (await k.api('/api/v1/ready')).status !== 200; i++)
      await new Promise((r) => setTimeout(r, 100));
    doc = (await (await k.api('/api/v1/openapi.json')).json()) as Doc;
  }, 120_000);

  afterAll(async () => {
    await k?.stop();
    if (k) removeDir(k.dataDir);
    if (dir) removeDir(dir);
  });

  it('lists and shows plugins, every core plugin running', async () => {
    const list = await call('get', '/api/v1/plugins', 200);
    const names = (list.items as Doc[]).map((p) => p.name);
    expect(names).toEqual(
      expect.arrayContaining(['dashboard', 'metrics', 'nodes', 'security', 'sessions', 'charts']),
    );
    const metrics = await call('get', '/api/v1/plugins/metrics', 200);
    expect(metrics.status).toBe('running');
    expect(metrics.runtime.state).toBe('running');
  });

  it('trusts and lists publisher keys', async () => {
    expect((await call('get', '/api/v1/plugins/publishers', 200)).items).toEqual([]);
    const { publicKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519' });
    const trusted = await call('post', '/api/v1/plugins/publishers', 201, {
      jwk: await exportJWK(publicKey),
      name: 'ci',
    });
    const listed = await call('get', '/api/v1/plugins/publishers', 200);
    expect(listed.items.map((p: Doc) => p.kid)).toEqual([trusted.kid]);
  });

  it('grants a panel, lists it, takes its action and an incident', async () => {
    const view = await call('put', '/api/v1/plugins/charts/panels', 200, { panels: ['a'] });
    expect(view.panels.map((p: Doc) => [p.id, p.granted])).toEqual([['a', true]]);
    const panels = await call('get', '/api/v1/ui/panels', 200);
    expect(panels.items.map((p: Doc) => `${p.plugin}/${p.id}`)).toContain('charts/a');
    const done = await call('post', '/api/v1/ui/panels/charts/a/actions', 202, {
      action: 'charts.reset',
      args: { n: 1 },
    });
    expect(done).toMatchObject({ plugin: 'charts', panel: 'a', action: 'charts.reset', status: 'accepted' });
    await call('post', '/api/v1/ui/panels/charts/a/incidents', 202, { code: 'flood', detail: 'too many' });
    const grants = await call('put', '/api/v1/plugins/charts/grants', 200, {
      granted: [],
      denied: [],
      panels: ['a'],
    });
    expect(grants.panels).toEqual(['a']);
  });

  it('disables, enables and reloads a plugin; GET / says where the API is while no dashboard runs', async () => {
    expect((await call('post', '/api/v1/plugins/charts/disable', 200)).status).toBe('disabled');
    expect((await call('post', '/api/v1/plugins/charts/enable', 200)).enabled).toBe(true);
    await call('post', '/api/v1/plugins/charts/reload', 200);
    await call('get', '/', 302);
    await call('post', '/api/v1/plugins/dashboard/disable', 200);
    expect((await call('get', '/', 200)).openapi).toBe('/api/v1/openapi.json');
    await call('post', '/api/v1/plugins/dashboard/enable', 200);
  });

  it("serves a plugin's UI file under a documented media type, not JSON", async () => {
    const res = await k.api('/ui/charts/');
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    await call('get', '/ui/charts/', 200);
    // Documented as the files it may be (HTML, scripts, images …), not as one JSON body.
    const types = Object.keys(doc.paths['/ui/{plugin}/*'].get.responses['200'].content);
    expect(types).toEqual(expect.arrayContaining(['text/html', 'text/javascript', 'image/png']));
  });

  it('documents non-JSON bodies and optional bodies truly', async () => {
    const install = doc.paths['/api/v1/plugins/install'].post;
    expect(Object.keys(install.requestBody.content)).toEqual(['application/octet-stream']);
    expect(install.parameters.map((p: Doc) => p.name).sort()).toEqual([
      'consent',
      'downgrade',
      'dryRun',
      'upgrade',
    ]);
    const text = await call('get', '/api/v1/metrics/prometheus', 200);
    expect(text.text).toContain('# TYPE');
    // Every JSON body is required exactly when the kernel's check refuses an absent one.
    let optional = 0;
    for (const [path, ops] of Object.entries(doc.paths as Doc))
      for (const [method, op] of Object.entries(ops as Doc)) {
        const body = op.requestBody?.content?.['application/json'];
        if (!body) continue;
        expect(op.requestBody.required, `${method} ${path}`).toBe(!acceptsAbsentBody(body.schema));
        if (!op.requestBody.required) optional++;
      }
    expect(optional).toBeGreaterThan(0);
  });

  it('covered every operation, and a schema that does not fit an answer fails', async () => {
    expect([...checked].map((c) => c.split(' ').slice(0, 2).join(' '))).toEqual(
      expect.arrayContaining([
        'GET /',
        'GET /api/v1/plugins',
        'GET /api/v1/plugins/{name}',
        'GET /api/v1/plugins/publishers',
        'POST /api/v1/plugins/publishers',
        'POST /api/v1/plugins/{name}/disable',
        'POST /api/v1/plugins/{name}/enable',
        'POST /api/v1/plugins/{name}/reload',
        'PUT /api/v1/plugins/{name}/grants',
        'PUT /api/v1/plugins/{name}/panels',
        'GET /api/v1/ui/panels',
        'POST /api/v1/ui/panels/{name}/{panel}/actions',
        'POST /api/v1/ui/panels/{name}/{panel}/incidents',
        'GET /ui/{plugin}/*',
      ]),
    );
    const answer = (await (await k.api('/api/v1/plugins/metrics')).json()) as Doc;
    const schema = structuredClone(
      doc.paths['/api/v1/plugins/{name}'].get.responses['200'].content['application/json'].schema,
    );
    expect(ajv.compile(schema)(answer)).toBe(true);
    const mutated = structuredClone(schema);
    // Without `runtime` documented, a running plugin's answer no longer fits (no undeclared fields).
    delete mutated.properties.runtime;
    expect(ajv.compile(mutated)(answer)).toBe(false);
  });
});
