import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { attachMarketplace } from '../../marketplace/index.js';
import { removeDir, startTempKernel, type TempKernel } from '../helpers/temp-kernel.js';
import { writePluginDir } from '../helpers/write-plugin-dir.js';
import { call, startSecurityKernel } from '../security/security-kernel.js';

/*
 * Found from outside: `GET /api/v1/security/audit?limit=2&limit=3` answered 2 entries, silently
 * (a plugin sees one value of each parameter). A parameter given twice is now a 400 naming it.
 */
describe('a plugin route given a query parameter twice', () => {
  let k: TempKernel;
  beforeAll(async () => {
    k = await startSecurityKernel();
  });
  afterAll(async () => {
    await k?.stop();
    if (k) removeDir(k.dataDir);
  });

  it('is a 400 naming it; once is answered', async () => {
    const twice = await call(k, 'GET', '/api/v1/security/audit?limit=2&limit=3');
    expect(twice.status).toBe(400);
    expect(twice.body.code).toBe('OMEGA_ERR_VALIDATION');
    expect(twice.body.errors).toEqual([
      { field: 'limit', message: 'was given more than once; give it once' },
    ]);
    const once = await call(k, 'GET', '/api/v1/security/audit?limit=2');
    expect(once.status).toBe(200);
  });

  // Found from outside: a route with schemas but no query schema took any name (`POST
  // /api/v1/sessions?bogus=1` created a session); its schemas document it, so it takes none.
  it('a route with schemas but no query schema takes no query parameter', async () => {
    const me = await call(k, 'GET', '/api/v1/security/roles?bogus=1');
    expect(me.status).toBe(400);
    expect(me.body.errors).toEqual([
      { field: 'bogus', message: 'is not a parameter of this route (it takes none)' },
    ]);
    expect((await call(k, 'GET', '/api/v1/security/roles')).status).toBe(200);
  });
});

/*
 * The same rule on every API route (the last stop's read-through: `/api/v1/plugins?bogus=1` was a
 * 200 while `/api/v1/nodes?bogus=1` was a 400): a kernel route takes the query names it documents
 * and no other, each once; a plugin route without schemas takes any name, each once. The
 * browser's paths (`/`, `/ui/…`) take any query (the dashboard keeps its state in one).
 */
describe('query names on kernel routes and on plugin routes without schemas', () => {
  let k: TempKernel;
  let pluginsDir: string;
  beforeAll(async () => {
    pluginsDir = mkdtempSync(join(tmpdir(), 'omega-query-'));
    writePluginDir(
      pluginsDir,
      'qs',
      `export const plugin = { setup() { return { routes: {
        async echo(req) { return { status: 200, body: req.query }; },
        async make(req) { made += 1; return { status: 201, body: { made, name: req.body.name } }; },
      } }; } };
      let made = 0;`,
      {
        permissions: ['http:routes'],
        routes: [
          { method: 'GET', path: '/echo', handler: 'echo', permission: 'qs:read' },
          {
            method: 'POST',
            path: '/things',
            handler: 'make',
            permission: 'qs:write',
            schemas: {
              body: {
                type: 'object',
                required: ['name'],
                properties: { name: { type: 'string' } },
                additionalProperties: false,
              },
              query: { type: 'object', properties: { dryRun: { type: 'string', enum: ['true'] } } },
            },
          },
        ],
      },
    );
    const grantsFile = join(pluginsDir, 'grants.json');
    writeFileSync(grantsFile, JSON.stringify({ qs: { granted: ['http:routes'], denied: [] } }));
    k = await startTempKernel({ plugins: { dirs: [pluginsDir], grantsFile } });
    attachMarketplace(k.kernel);
  });
  afterAll(async () => {
    await k?.stop();
    if (k) removeDir(k.dataDir);
    removeDir(pluginsDir);
  });

  const get = async (path: string, token?: false) => {
    const res = await k.api(path, token === false ? { token: false } : {});
    const text = await res.text();
    return { status: res.status, body: text.startsWith('{') ? JSON.parse(text) : text };
  };

  it('a kernel route refuses a name it does not document, naming what it takes, after authentication', async () => {
    const bogus = await get('/api/v1/plugins?bogus=1');
    expect(bogus.status).toBe(400);
    expect(bogus.body.code).toBe('OMEGA_ERR_VALIDATION');
    expect(bogus.body.errors).toEqual([
      { field: 'bogus', message: 'is not a parameter of this route (it takes none)' },
    ]);
    expect((await get('/api/v1/plugins?bogus=1', false)).status).toBe(401);
    expect((await get('/api/v1/plugins')).status).toBe(200);
    expect((await get('/api/v1/plugins?')).status).toBe(200);

    const typo = await get('/api/v1/marketplace/search?query=x');
    expect(typo.status).toBe(400);
    expect(typo.body.errors).toEqual([
      { field: 'query', message: 'is not a parameter of this route (it takes q)' },
    ]);
    const twice = await get('/api/v1/marketplace/search?q=a&q=b');
    expect(twice.status).toBe(400);
    expect(twice.body.errors).toEqual([{ field: 'q', message: 'was given more than once; give it once' }]);
    // (no source is configured here: the search itself answers what it answers without a query)
    const once = await get('/api/v1/marketplace/search?q=a');
    expect(once.status).not.toBe(400);
    expect(once.status).toBe((await get('/api/v1/marketplace/search')).status);
  });

  it('a plugin route without schemas takes any name once, and refuses one given twice', async () => {
    const any = await get('/api/v1/qs/echo?anything=1&else=2');
    expect([any.status, any.body]).toEqual([200, { anything: '1', else: '2' }]);
    const twice = await get('/api/v1/qs/echo?a=1&a=2');
    expect(twice.status).toBe(400);
    expect(twice.body.errors).toEqual([{ field: 'a', message: 'was given more than once; give it once' }]);
  });

  it("the browser's paths and the probes take any query", async () => {
    expect((await get('/?tab=nodes')).status).not.toBe(400);
    expect((await get('/ui/none/?tab=nodes&tab=x')).status).not.toBe(400);
    // an uptime checker's cache-buster must not read as the kernel being down (review)
    expect((await get('/api/v1/health?_=1733570000&_=2', false)).status).toBe(200);
    expect((await get('/api/v1/ready?probe=lb', false)).status).toBe(200);
  });

  // Review: the check ran inside the handler — after the body was read, and inside the
  // Idempotency-Key's record, so the 400 was kept under the key and a corrected retry with it
  // was refused as a reused key.
  it('refuses the query before the body is read or an Idempotency-Key is taken', async () => {
    const post = (path: string) =>
      k.api(path, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'idempotency-key': 'query-first' },
        body: JSON.stringify({ topic: 'ops.test.query', data: {} }),
      });
    const bad = await post('/api/v1/events?try=1');
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { errors: unknown }).errors).toEqual([
      { field: 'try', message: 'is not a parameter of this route (it takes none)' },
    ]);
    expect((await post('/api/v1/events')).status).toBe(202);
  });

  // The last stop's note: a plugin route checked its schemas inside its handler, after the key was
  // taken, so its 400 was kept under the key and the corrected retry answered that 400 again
  // (a replay) instead of running. The route's check now runs before the key (create-app.ts).
  it("a plugin route's schema refusal is not kept under the Idempotency-Key", async () => {
    const post = (path: string, body: unknown, key: string) =>
      k.api(path, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'idempotency-key': key },
        body: JSON.stringify(body),
      });
    const badBody = await post('/api/v1/qs/things', { nam: 'x' }, 'plugin-body-first');
    expect(badBody.status).toBe(400);
    expect(badBody.headers.get('idempotency-replayed')).toBeNull();
    const fixed = await post('/api/v1/qs/things', { name: 'x' }, 'plugin-body-first');
    expect(fixed.status).toBe(201);
    expect(fixed.headers.get('idempotency-replayed')).toBeNull();
    const made = ((await fixed.json()) as { made: number }).made;
    // the kept answer is the one that ran, and a replay runs nothing
    const again = await post('/api/v1/qs/things', { name: 'x' }, 'plugin-body-first');
    expect([again.status, again.headers.get('idempotency-replayed')]).toEqual([201, 'true']);
    expect(((await again.json()) as { made: number }).made).toBe(made);

    const badQuery = await post('/api/v1/qs/things?dryrun=true', { name: 'y' }, 'plugin-query-first');
    expect(badQuery.status).toBe(400);
    expect(((await badQuery.json()) as { errors: unknown }).errors).toEqual([
      { field: 'dryrun', message: 'is not a parameter of this route (it takes dryRun)' },
    ]);
    const good = await post('/api/v1/qs/things', { name: 'y' }, 'plugin-query-first');
    expect(good.status).toBe(201);
    expect(((await good.json()) as { made: number }).made).toBe(made + 1);
  });
});
