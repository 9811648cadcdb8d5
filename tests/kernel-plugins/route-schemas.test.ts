import { mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PluginView } from '../../kernel/plugins/manager/index.js';
import { buildPlugin } from '../../sdk/src/build/index.js';
import { removeDir, startTempKernel, type TempKernel } from '../helpers/temp-kernel.js';
import { writePluginDir } from '../helpers/write-plugin-dir.js';

const ROOT = join(import.meta.dirname, '..', '..');

/** A plugin whose routes declare zod schemas in src/route-schemas.ts; `calls` counts what reached it. */
const SCHEMAS = `import { defineRouteSchemas } from '@omega/sdk';
import { z } from 'zod';

export const routeSchemas = defineRouteSchemas({
  createThing: {
    body: z.strictObject({
      name: z.string().min(1).max(40),
      size: z.number().int().min(1).max(10).optional(),
      tags: z.record(z.string().regex(/^[a-z]+$/), z.string()).optional(),
    }),
    responses: { 201: z.object({ id: z.string().describe('The new thing') }) },
  },
  listThings: {
    params: z.object({ group: z.string().regex(/^[a-z]+$/) }),
    query: z.object({ limit: z.coerce.number().int().min(1).max(50).optional() }),
    responses: { 200: z.object({ group: z.string(), limit: z.string().optional() }) },
  },
});
`;
const INDEX = `import { definePlugin, json, type SchemaRouteHandler } from '@omega/sdk';
import type { routeSchemas } from './route-schemas.js';

let calls = 0;
const createThing: SchemaRouteHandler<typeof routeSchemas.createThing> = (req) => {
  calls++;
  return json(201, { id: req.body.name + ':' + (req.body.size ?? 1) });
};
const listThings: SchemaRouteHandler<typeof routeSchemas.listThings> = (req) => {
  calls++;
  return json(200, { group: req.params.group, limit: req.query.limit, type: typeof req.query.limit });
};
export const plugin = definePlugin({ routes: { createThing, listThings, count: () => json(200, { calls }) } });
`;

describe('route schemas: built into the manifest, enforced before the isolate, documented', () => {
  let k: TempKernel;
  let work: string;
  let built: Record<string, unknown>;
  const post = (path: string, body: unknown) =>
    k.api(path, {
      method: 'POST',
      body: JSON.stringify(body),
      headers: { 'content-type': 'application/json' },
    });
  const calls = async () => ((await (await k.api('/api/v1/shapes/count')).json()) as { calls: number }).calls;

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'omega-route-schemas-'));
    const dir = join(work, 'shapes');
    mkdirSync(join(dir, 'src'), { recursive: true });
    mkdirSync(join(dir, 'node_modules', '@omega'), { recursive: true });
    symlinkSync(join(ROOT, 'sdk'), join(dir, 'node_modules', '@omega', 'sdk'), 'dir');
    symlinkSync(join(ROOT, 'node_modules', 'zod'), join(dir, 'node_modules', 'zod'), 'dir');
    writeFileSync(join(dir, 'src', 'route-schemas.ts'), SCHEMAS);
    writeFileSync(join(dir, 'src', 'index.ts'), INDEX);
    writeFileSync(
      join(dir, 'plugin.json'),
      JSON.stringify({
        name: 'shapes',
        version: '1.0.0',
        engines: { omega: '>=0.1.0' },
        permissions: ['http:routes'],
        routes: [
          { method: 'POST', path: '/things', handler: 'createThing', permission: 'shapes:write' },
          { method: 'GET', path: '/groups/:group', handler: 'listThings', permission: 'shapes:read' },
          { method: 'GET', path: '/count', handler: 'count', permission: 'shapes:read' },
        ],
      }),
    );
    await buildPlugin(dir, { typecheck: false });
    built = JSON.parse(readFileSync(join(dir, 'dist', 'plugin.json'), 'utf8')) as Record<string, unknown>;
    // A schema written straight into plugin.json that is no JSON Schema ("strnig"): the plugin is refused.
    writePluginDir(
      work,
      'misshapen',
      'export const plugin = { routes: { put: () => ({ status: 204 }) } };\n',
      {
        permissions: ['http:routes'],
        routes: [
          {
            method: 'PUT',
            path: '/x',
            handler: 'put',
            permission: 'misshapen:write',
            schemas: { body: { type: 'object', properties: { a: { type: 'strnig' } } } },
          },
        ],
      },
    );
    const grantsFile = join(work, 'grants.json');
    const g = { granted: ['http:routes'], denied: [] };
    writeFileSync(grantsFile, JSON.stringify({ shapes: g, misshapen: g }));
    k = await startTempKernel({ plugins: { dirs: [work], grantsFile, warmHosts: 1 } });
  });
  afterAll(async () => {
    await k?.stop();
    if (k) removeDir(k.dataDir);
    removeDir(work);
  });

  it('writes JSON Schema (not zod) under each route of dist/plugin.json, and keeps zod out of the bundle', () => {
    const routes = built.routes as Array<{ handler: string; schemas?: Record<string, unknown> }>;
    expect(routes[0]?.schemas?.body).toMatchObject({
      type: 'object',
      required: ['name'],
      additionalProperties: false,
      properties: { name: { type: 'string', minLength: 1, maxLength: 40 } },
    });
    expect(routes[1]?.schemas?.query).toMatchObject({
      properties: { limit: { type: 'integer', maximum: 50 } },
    });
    expect(routes[2]?.schemas).toBeUndefined();
    const bundle = readFileSync(join(work, 'shapes', 'dist', 'plugin.js'), 'utf8');
    expect(bundle).not.toContain('ZodError');
    expect(bundle.length).toBeLessThan(20_000);
  });

  it('hands a valid request to the plugin unchanged (query values stay strings)', async () => {
    const created = await post('/api/v1/shapes/things', { name: 'ada', size: 3 });
    expect(created.status).toBe(201);
    expect(await created.json()).toEqual({ id: 'ada:3' });
    const listed = await k.api('/api/v1/shapes/groups/abc?limit=7');
    expect(await listed.json()).toEqual({ group: 'abc', limit: '7', type: 'string' });
  });

  it('answers an invalid body, query or path parameter with a 400 naming the field; the plugin never sees it', async () => {
    const before = await calls();
    const cases: Array<[Promise<Response>, string[]]> = [
      [post('/api/v1/shapes/things', { name: '', size: 3 }), ['name']],
      [post('/api/v1/shapes/things', { size: 99, extra: true }), ['name', 'size', 'extra']],
      [post('/api/v1/shapes/things', ['not', 'an', 'object']), ['(body)']],
      // A key that breaks a record's key pattern is named (once), not only its object.
      [post('/api/v1/shapes/things', { name: 'a', tags: { 'Bad Key': 'x', ok: 'y' } }), ['tags.Bad Key']],
      [k.api('/api/v1/shapes/things', { method: 'POST' }), ['(body)']],
      [k.api('/api/v1/shapes/groups/abc?limit=500'), ['limit']],
      [k.api('/api/v1/shapes/groups/abc?limit=seven'), ['limit']],
      [k.api('/api/v1/shapes/groups/ABC1'), ['group']],
    ];
    for (const [pending, fields] of cases) {
      const res = await pending;
      expect(res.status).toBe(400);
      expect(res.headers.get('content-type')).toMatch(/problem\+json/);
      const body = (await res.json()) as { code: string; errors: Array<{ field: string }> };
      expect(body.code).toBe('OMEGA_ERR_VALIDATION');
      expect(body.errors.map((e) => e.field).sort()).toEqual([...fields].sort());
    }
    expect(await calls()).toBe(before);
  });

  it('puts the same schemas in the OpenAPI document: requestBody, parameters, responses', async () => {
    type Operation = { requestBody: unknown; parameters: unknown; responses: Record<string, unknown> };
    const doc = (await (await k.api('/api/v1/openapi.json')).json()) as {
      paths: Record<string, Record<string, Operation>>;
    };
    const routes = built.routes as Array<{ schemas?: { body?: unknown } }>;
    const create = doc.paths['/api/v1/shapes/things']?.post as Operation;
    expect(create.requestBody).toEqual({
      required: true,
      content: { 'application/json': { schema: routes[0]?.schemas?.body } },
    });
    expect(create.responses['201']).toMatchObject({
      description: 'Created',
      content: { 'application/json': { schema: { properties: { id: { type: 'string' } } } } },
    });
    expect(create.responses['400']).toBeDefined();
    const list = doc.paths['/api/v1/shapes/groups/{group}']?.get as Operation;
    expect(list.parameters).toEqual([
      {
        name: 'group',
        in: 'path',
        required: true,
        description: 'The group parameter',
        schema: { type: 'string', pattern: '^[a-z]+$' },
      },
      {
        name: 'limit',
        in: 'query',
        required: false,
        description: 'The limit parameter',
        schema: { type: 'integer', minimum: 1, maximum: 50 },
      },
    ]);
    expect(list.responses['400']).toBeDefined();
  });

  it('refuses a plugin whose declared schema does not compile, and says why on its routes', async () => {
    const view = (await (await k.api('/api/v1/plugins/misshapen')).json()) as PluginView;
    expect(view.status).toBe('refused');
    expect(view.reasons[0]?.code).toBe('OMEGA_ERR_MANIFEST_INVALID');
    const res = await k.api('/api/v1/misshapen/x', {
      method: 'PUT',
      body: '{}',
      headers: { 'content-type': 'application/json' },
    });
    expect(res.status).toBe(503);
    expect(await res.text()).toContain('not a valid JSON Schema');
  });
});
