import { describe, expect, it } from 'vitest';
import { parseManifest } from '../../kernel/plugins/index.js';
import { MAX_ROUTE_SCHEMA_DEPTH, MAX_ROUTE_SCHEMAS_BYTES } from '../../protocol/src/index.js';
import { manifestFor } from './write-plugin.js';

const SOURCE = '/plugins/demo/plugin.json';

/** The field a manifest with one route declaring `schemas` is refused for, or undefined when accepted. */
function fieldFor(schemas: unknown, route: Record<string, unknown> = {}): string | undefined {
  const doc = manifestFor('demo', {
    permissions: ['http:routes'],
    routes: [
      { method: 'PUT', path: '/items/:id', handler: 'put', permission: 'demo:write', schemas, ...route },
    ],
  });
  try {
    parseManifest(JSON.stringify(doc), SOURCE);
    return undefined;
  } catch (err) {
    expect((err as { code: string }).code).toBe('OMEGA_ERR_MANIFEST_INVALID');
    return (err as { extras: { field: string } }).extras.field;
  }
}

const nested = (depth: number): Record<string, unknown> =>
  depth <= 1 ? { type: 'string' } : { type: 'array', items: nested(depth - 1) };

describe('routes[].schemas in the manifest', () => {
  it('accepts body, query, params and responses as JSON Schema and keeps them as written', () => {
    const schemas = {
      body: { type: 'object', properties: { a: { $ref: '#/$defs/a' } }, $defs: { a: { type: 'string' } } },
      query: { type: 'object', properties: { limit: { type: 'integer' } } },
      params: { type: 'object', properties: { id: { type: 'string', maxLength: 64 } } },
      responses: { '200': { type: 'object' }, '201': { type: 'object' } },
    };
    expect(fieldFor(schemas)).toBeUndefined();
    const m = parseManifest(
      JSON.stringify(
        manifestFor('demo', {
          permissions: ['http:routes'],
          routes: [{ method: 'PUT', path: '/items/:id', handler: 'put', permission: 'demo:write', schemas }],
        }),
      ),
      SOURCE,
    );
    expect(m.routes[0]?.schemas).toEqual(schemas);
  });

  it.each<[string, unknown, Record<string, unknown>?]>([
    ['a remote $ref (the kernel fetches nothing)', { body: { $ref: 'https://evil.example/s.json' } }],
    ['an $id (it would name the schema for every plugin)', { body: { $id: 'urn:x', type: 'object' } }],
    ['another dialect', { body: { $schema: 'http://json-schema.org/draft-04/schema#' } }],
    ['a schema that is not an object', { body: 'string' }],
    ['nesting past the bound', { body: nested(MAX_ROUTE_SCHEMA_DEPTH + 1) }],
    [
      'more bytes than the bound',
      { body: { type: 'string', description: 'x'.repeat(MAX_ROUTE_SCHEMAS_BYTES) } },
    ],
    ['query that is not an object schema', { query: { type: 'string' } }],
    ['a path parameter the path does not have', { params: { type: 'object', properties: { nope: {} } } }],
    ['a response status that is not one', { responses: { '299x': {} } }],
    ['an unknown part', { headers: {} }],
    ['a body on a GET route (the kernel reads none)', { body: { type: 'object' } }, { method: 'GET' }],
  ])('refuses %s', (_what, schemas, route) => {
    expect(fieldFor(schemas, route)).toMatch(/^routes/);
  });

  it('accepts nesting up to the bound', () => {
    expect(fieldFor({ body: nested(MAX_ROUTE_SCHEMA_DEPTH - 1) })).toBeUndefined();
  });
});
