import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import formats from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { trustedPublishersFile, trustPublisher } from '../../kernel/plugins/install/index.js';
import { attachMarketplace, setReleaseStatus } from '../../marketplace/index.js';
import { removeDir, startTempKernel, type TempKernel } from '../helpers/temp-kernel.js';
import { createFixtureRepo, type FixtureRepo, newKey, packPlugin } from './fixture-repo.js';

type FormatsPlugin = (ajv: Ajv2020) => Ajv2020;
const addFormats: FormatsPlugin =
  (formats as unknown as { default?: FormatsPlugin }).default ?? (formats as unknown as FormatsPlugin);

type Operation = {
  parameters?: Array<{ name: string; in: string; schema?: unknown }>;
  requestBody?: { required?: boolean; content?: Record<string, { schema?: unknown }> };
  responses: Record<string, { content?: Record<string, { schema?: unknown }> }>;
};
type Doc = { paths: Record<string, Record<string, Operation>> };
type Plan = {
  consent: string;
  escalating: boolean;
  steps: Array<{ name: string; from?: string; to: string }>;
};

const route = { method: 'GET', path: '/hello', handler: 'hello', permission: 'hello:read' };
const code = (tag: string) =>
  `export const plugin = { routes: { async hello() { return { status: 200, body: { hello: '${tag}' } }; } } };\n`;
const release = (version: string, permissions: string[]) =>
  [{ name: 'hello', version, permissions, routes: [route] }, code(`v${version}`)] as const;

/**
 * Every marketplace operation called for real on a kernel with the marketplace attached (a
 * signed fixture repository as an offline source), and each answer held against the schema the
 * live `/api/v1/openapi.json` documents for its status, with ajv.
 */
describe('the marketplace API answers what its OpenAPI document says', () => {
  let k: TempKernel;
  let repo: FixtureRepo;
  let spare: FixtureRepo;
  let doc: Doc;
  const ajv = new Ajv2020({ allErrors: true, strict: false });
  addFormats(ajv);
  const compiled = new Map<string, ValidateFunction>();
  const checked = new Set<string>();
  let lastPlan: unknown;

  /** The validator of the documented JSON answer of `method path` for `status`. */
  const validator = (method: string, path: string, status: number): ValidateFunction => {
    const key = `${method} ${path} ${status}`;
    let v = compiled.get(key);
    if (!v) {
      const schema =
        doc.paths[path]?.[method]?.responses[String(status)]?.content?.['application/json']?.schema;
      expect(schema, `${key} documents a JSON schema`).toBeDefined();
      v = ajv.compile(schema as object);
      compiled.set(key, v);
    }
    return v;
  };

  /** Calls `method path` (the document's path; `{name}` filled from `params`) and checks the answer. */
  async function call<T>(
    method: 'get' | 'post' | 'delete',
    path: string,
    opts: { body?: unknown; params?: Record<string, string>; query?: string; status?: number } = {},
  ): Promise<T> {
    const url = path.replace(/\{(\w+)\}/g, (_, p: string) => encodeURIComponent(opts.params?.[p] ?? ''));
    const res = await k.api(`${url}${opts.query ?? ''}`, {
      method: method.toUpperCase(),
      ...(opts.body === undefined
        ? {}
        : { body: JSON.stringify(opts.body), headers: { 'content-type': 'application/json' } }),
    });
    const body = (await res.json()) as T;
    expect(res.status, `${method} ${url}: ${JSON.stringify(body).slice(0, 400)}`).toBe(opts.status ?? 200);
    const check = validator(method, path, res.status);
    expect(
      check(body) ? [] : check.errors,
      `${method} ${path}: ${JSON.stringify(body).slice(0, 400)}`,
    ).toEqual([]);
    checked.add(`${method} ${path}`);
    return body;
  }

  /** Plans `req`, then carries it out with the plan's consent digest. */
  async function change(op: 'install' | 'upgrade' | 'rollback', name: string): Promise<Plan> {
    const plan = await call<Plan>('post', '/api/v1/marketplace/plan', { body: { op, name } });
    expect(plan.steps.map((s) => s.name)).toEqual([name]);
    const done = await call<Plan>('post', `/api/v1/marketplace/${op}`, {
      body: { name, consent: plan.consent },
    });
    expect(done.consent).toBe(plan.consent);
    lastPlan = done;
    return done;
  }

  const hello = async () => (await (await k.api('/api/v1/hello/hello')).json()) as { hello?: string };
  const setStatus = async (version: string, state: 'yanked' | 'revoked', reason: string) => {
    await setReleaseStatus({ dir: repo.dir, keys: repo.index.keys, plugin: 'hello', version, state, reason });
    await repo.bump();
  };

  beforeAll(async () => {
    repo = await createFixtureRepo();
    spare = await createFixtureRepo();
    await repo.release(...release('1.0.0', ['http:routes']));
    k = await startTempKernel({ plugins: { dirs: [] } });
    attachMarketplace(k.kernel, { healthWindowMs: 300 });
    doc = (await (await k.api('/api/v1/openapi.json')).json()) as Doc;
  });
  afterAll(async () => {
    await k?.stop();
    if (k) removeDir(k.dataDir);
    for (const r of [repo, spare]) if (r) rmSync(r.dir, { recursive: true, force: true });
  });

  it('documents the search query and the path parameters it validates', () => {
    const search = doc.paths['/api/v1/marketplace/search']?.get;
    expect(search?.parameters).toEqual([
      expect.objectContaining({ name: 'q', in: 'query', schema: { type: 'string', maxLength: 200 } }),
    ]);
    const info = doc.paths['/api/v1/marketplace/plugins/{name}']?.get;
    expect(info?.parameters?.[0]?.schema).toMatchObject({ pattern: expect.any(String) });
    const verify = doc.paths['/api/v1/marketplace/verify']?.post;
    expect(verify?.requestBody?.content?.['application/json']?.schema).toMatchObject({
      additionalProperties: false,
    });
  });

  it('sources: add (201), list', async () => {
    for (const [name, r] of [
      ['local', repo],
      ['spare', spare],
    ] as const) {
      const added = await call<{ name: string; root: number; index: number }>(
        'post',
        '/api/v1/marketplace/sources',
        {
          body: { name, location: r.dir, root: readFileSync(join(r.dir, 'root.json'), 'utf8') },
          status: 201,
        },
      );
      expect(added).toMatchObject({ name, root: 1 });
    }
    const { items } = await call<{ items: Array<{ name: string }> }>('get', '/api/v1/marketplace/sources');
    expect(items.map((s) => s.name)).toEqual(['local', 'spare']);
  });

  it('search (with and without q), and a q too long is a 400 naming it', async () => {
    const found = await call<{ items: Array<{ name: string; latest?: string }> }>(
      'get',
      '/api/v1/marketplace/search',
      { query: '?q=HEL' },
    );
    expect(found.items).toEqual([expect.objectContaining({ name: 'hello', latest: '1.0.0', versions: 1 })]);
    expect((await call<{ items: unknown[] }>('get', '/api/v1/marketplace/search')).items).toHaveLength(1);
    const none = await call<{ items: unknown[] }>('get', '/api/v1/marketplace/search', { query: '?q=zzz' });
    expect(none.items).toEqual([]);
    const long = await k.api(`/api/v1/marketplace/search?q=${'a'.repeat(201)}`);
    expect(long.status).toBe(400);
    expect(await long.json()).toMatchObject({ code: 'OMEGA_ERR_VALIDATION', errors: [{ field: 'q' }] });
  });

  it('plan and install, then upgrade and rollback, each with its consent digest', async () => {
    const installed = await change('install', 'hello');
    expect(installed).toMatchObject({ escalating: true, steps: [{ to: '1.0.0' }] });
    expect(installed.steps[0]?.from).toBeUndefined();
    expect(await hello()).toEqual({ hello: 'v1.0.0' });

    await repo.release(...release('1.1.0', ['http:routes', 'storage']));
    const upgraded = await change('upgrade', 'hello');
    expect(upgraded.steps.map((s) => [s.from, s.to])).toEqual([['1.0.0', '1.1.0']]);
    expect(await hello()).toEqual({ hello: 'v1.1.0' });

    const back = await change('rollback', 'hello');
    expect(back.steps.map((s) => [s.from, s.to])).toEqual([['1.1.0', '1.0.0']]);
    expect(await hello()).toEqual({ hello: 'v1.0.0' });
    // Nothing left to upgrade to? 1.1.0 is: an upgrade of all plans it (upgrade without a name).
    const all = await call<Plan>('post', '/api/v1/marketplace/plan', { body: { op: 'upgrade' } });
    expect(all.steps.map((s) => s.to)).toEqual(['1.1.0']);
  });

  it('refusals answer a status the document lists, as a coded problem', async () => {
    for (const [method, path, body] of [
      ['post', '/api/v1/marketplace/plan', { op: 'install', name: 'nope' }],
      ['post', '/api/v1/marketplace/install', { name: 'nope' }],
      ['post', '/api/v1/marketplace/rollback', { name: 'nope' }],
      ['post', '/api/v1/marketplace/upgrade', { name: 'nope' }],
      ['post', '/api/v1/marketplace/remove', { name: 'nope' }],
      ['get', '/api/v1/marketplace/plugins/nope', undefined],
      ['delete', '/api/v1/marketplace/sources/nope', undefined],
    ] as const) {
      const res = await k.api(path, {
        method: method.toUpperCase(),
        ...(body ? { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } } : {}),
      });
      const problem = (await res.json()) as { code?: string };
      const documented = path.replace(/\/nope$/, '/{name}');
      expect(res.status, `${method} ${path}: ${JSON.stringify(problem)}`).toBeGreaterThanOrEqual(400);
      expect(problem.code, path).toMatch(/^OMEGA_ERR_/);
      expect(Object.keys(doc.paths[documented]?.[method]?.responses ?? {}), `${method} ${path}`).toContain(
        String(res.status),
      );
    }
  });

  it('plugin detail: every version with its status, and what is installed', async () => {
    await setStatus('1.1.0', 'yanked', 'crashes on start');
    const info = await call<{
      installed?: { version: string };
      versions: Array<{ version: string; status?: { state: string }; compatible: boolean }>;
    }>('get', '/api/v1/marketplace/plugins/{name}', { params: { name: 'hello' } });
    expect(info.installed).toEqual({ version: '1.0.0' });
    expect(info.versions.map((v) => [v.version, v.status?.state, v.compatible])).toEqual([
      ['1.1.0', 'yanked', true],
      ['1.0.0', undefined, true],
    ]);
  });

  it('verify: a revoked installed version and a source that fails are both reported', async () => {
    await setStatus('1.0.0', 'revoked', 'signing key compromised');
    rmSync(join(spare.dir, 'timestamp.json'), { force: true });
    const report = await call<{
      failed: Array<{ name: string }>;
      plugins: Array<{ name: string; ok: boolean; revoked?: { reason: string } }>;
      revoked: unknown[];
    }>('post', '/api/v1/marketplace/verify');
    expect(report.failed.map((f) => f.name)).toEqual(['spare']);
    expect(report.plugins).toEqual([
      expect.objectContaining({
        name: 'hello',
        ok: false,
        revoked: expect.objectContaining({ version: '1.0.0' }),
      }),
    ]);
    expect(report.revoked).toEqual([
      { plugin: 'hello', version: '1.0.0', reason: 'signing key compromised' },
    ]);
    // The same with an empty options object; any option is refused.
    await call('post', '/api/v1/marketplace/verify', { body: {} });
    const bad = await k.api('/api/v1/marketplace/verify', {
      method: 'POST',
      body: JSON.stringify({ deep: true }),
      headers: { 'content-type': 'application/json' },
    });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ code: 'OMEGA_ERR_VALIDATION' });
    // Every other operation needs each source verified: the broken one goes first.
    expect(await call('delete', '/api/v1/marketplace/sources/{name}', { params: { name: 'spare' } })).toEqual(
      { name: 'spare', removed: true },
    );
    const info = await call<{ installed?: { revoked?: { reason: string } } }>(
      'get',
      '/api/v1/marketplace/plugins/{name}',
      { params: { name: 'hello' } },
    );
    expect(info.installed?.revoked?.reason).toBe('signing key compromised');
  });

  it('a packed plugin file: the dry run (200), then the install with its consent (201)', async () => {
    const key = await newKey();
    await trustPublisher(trustedPublishersFile(k.dataDir), key.publicJwk, 'filer');
    const archive = await packPlugin(
      { name: 'filed', permissions: ['http:routes'], routes: [route] },
      code('file'),
      key,
    );
    const send = async (query: string, status: number) => {
      const path = '/api/v1/plugins/install';
      const res = await k.api(`${path}${query}`, {
        method: 'POST',
        body: archive,
        headers: { 'content-type': 'application/octet-stream' },
      });
      const body = (await res.json()) as { plan: Plan; name?: string; version?: string };
      expect(res.status, JSON.stringify(body).slice(0, 400)).toBe(status);
      const check = validator('post', path, status);
      expect(check(body) ? [] : check.errors, JSON.stringify(body).slice(0, 400)).toEqual([]);
      return body;
    };
    const dry = await send('?dryRun=true', 200);
    expect(dry.plan).toMatchObject({ request: { op: 'file', name: 'filed' }, escalating: true });
    const done = await send(`?consent=${dry.plan.consent}`, 201);
    expect(done).toMatchObject({ name: 'filed', version: '1.0.0', plan: { consent: dry.plan.consent } });
    expect(await (await k.api('/api/v1/filed/hello')).json()).toEqual({ hello: 'file' });
  });

  it('remove the plugin and the last source', async () => {
    expect(await call('post', '/api/v1/marketplace/remove', { body: { name: 'hello' } })).toEqual({
      name: 'hello',
      removed: true,
    });
    expect(await call('delete', '/api/v1/marketplace/sources/{name}', { params: { name: 'local' } })).toEqual(
      { name: 'local', removed: true },
    );
    expect((await call<{ items: unknown[] }>('get', '/api/v1/marketplace/sources')).items).toEqual([]);
  });

  it('called every marketplace operation, and its schemas refuse an answer that drifted', () => {
    const ops = Object.entries(doc.paths)
      .filter(([p]) => p.startsWith('/api/v1/marketplace/'))
      .flatMap(([p, methods]) => Object.keys(methods).map((m) => `${m} ${p}`));
    expect(ops.length).toBeGreaterThanOrEqual(11);
    expect([...checked].sort()).toEqual(ops.sort());
    const plan = validator('post', '/api/v1/marketplace/install', 200);
    const real = lastPlan as Plan & { steps: Array<Record<string, unknown>> };
    expect(plan(real)).toBe(true);
    const { consent: _gone, ...noConsent } = real;
    for (const drifted of [
      noConsent,
      { ...real, extra: 1 },
      { ...real, escalating: 'yes' },
      { ...real, steps: [{ ...real.steps[0], artifact: 'md5-x' }] },
      { ...real, steps: [{ ...real.steps[0], diff: undefined }] },
    ])
      expect(plan(drifted), JSON.stringify(drifted).slice(0, 200)).toBe(false);
    const search = validator('get', '/api/v1/marketplace/search', 200);
    expect(search({ items: [{ name: 'hello', publisher: 'acme', source: 'local' }] })).toBe(false);
  });
});
