import type { PluginRoute } from '@omega/protocol';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { buildOpenApi } from '../../kernel/http/openapi.js';
import type { RouteSpec } from '../../kernel/http/route.js';
import { acceptsAbsentBody, compileRouteValidator } from '../../kernel/http/route-validation/index.js';

/*
 * Three things the OpenAPI document must say truly: whether a body may be left out (from the
 * same check the kernel runs on an absent body), the media type of a non-JSON body, and (in a
 * 400) what a value must be rather than the regex it failed.
 */

// biome-ignore lint/suspicious/noExplicitAny: the document is read loosely
type Doc = Record<string, any>;

const route = (extra: Partial<RouteSpec>): RouteSpec => ({
  method: 'POST',
  path: '/api/v1/x',
  permission: 'x:write',
  owner: 'x',
  summary: 'X',
  handler: () => new Response(null, { status: 204 }),
  ...extra,
});

const opOf = (r: RouteSpec): Doc => (buildOpenApi([r], { version: '0.0.0' }) as Doc).paths['/api/v1/x'].post;

/** An optional body as plugins write it (sessions' optionalBody): an object's keywords, no `type`. */
const OPTIONAL_BODY = {
  properties: { wait: { type: 'boolean' } },
  additionalProperties: false,
  not: { anyOf: [{ type: 'array' }, { type: ['boolean', 'number', 'string'] }] },
};

describe('requestBody.required follows what the kernel accepts', () => {
  it('is false for a schema that validates an absent body, true for one that refuses it', () => {
    expect(acceptsAbsentBody(OPTIONAL_BODY)).toBe(true);
    expect(acceptsAbsentBody({})).toBe(true);
    expect(acceptsAbsentBody({ type: 'object' })).toBe(false);
    expect(acceptsAbsentBody({ type: ['object', 'null'] })).toBe(false);
    expect(opOf(route({ body: 'json', bodySchema: OPTIONAL_BODY })).requestBody.required).toBe(false);
    expect(opOf(route({ body: 'json', bodySchema: { type: 'object' } })).requestBody.required).toBe(true);
    // No schema at all: any body or none.
    expect(opOf(route({ body: 'json' })).requestBody.required).toBe(false);
    // A zod body is read as required JSON (415 without one), whatever its schema accepts.
    expect(opOf(route({ body: z.object({ a: z.string() }).optional() })).requestBody.required).toBe(true);
  });

  it('agrees with the route validator on the same schema', () => {
    const validate = (schema: Record<string, unknown>) =>
      compileRouteValidator('x', {
        method: 'POST',
        path: '/x',
        handler: 'x',
        permission: 'x:write',
        schemas: { body: schema },
      } as PluginRoute)!;
    for (const schema of [OPTIONAL_BODY, { type: 'object' }, { type: 'object', required: ['a'] }]) {
      let accepted = true;
      try {
        validate(schema)({ body: undefined, query: {}, params: {} });
      } catch {
        accepted = false;
      }
      expect(opOf(route({ body: 'json', bodySchema: schema })).requestBody.required).toBe(!accepted);
    }
  });

  it('documents a body the handler reads itself with its media type', () => {
    const op = opOf(
      route({ requestBody: { contentType: 'application/octet-stream', description: 'The archive' } }),
    );
    expect(op.requestBody).toEqual({
      description: 'The archive',
      required: true,
      content: { 'application/octet-stream': { schema: {} } },
    });
  });
});

describe('a non-JSON response is documented under its media type', () => {
  it('takes a declared contentType (one or several), without a schema too', () => {
    const one = opOf(
      route({ responses: { 200: { description: 'Text', schema: z.string(), contentType: 'text/plain' } } }),
    );
    expect(Object.keys(one.responses['200'].content)).toEqual(['text/plain']);
    expect(one.responses['200'].content['text/plain'].schema).toEqual({ type: 'string' });
    const many = opOf(
      route({ responses: { 200: { description: 'A file', contentType: ['text/html', 'image/png'] } } }),
    );
    expect(many.responses['200'].content).toEqual({ 'text/html': {}, 'image/png': {} });
  });

  it("reads a plugin schema's contentMediaType, and ignores one that is not a media type", () => {
    const text = { type: 'string', contentMediaType: 'text/plain; version=0.0.4' };
    const op = opOf(route({ responses: { 200: { description: 'Metrics', schema: text } } }));
    expect(op.responses['200'].content).toEqual({ 'text/plain; version=0.0.4': { schema: text } });
    const bad = { type: 'string', contentMediaType: 'not a type\n' };
    const fallback = opOf(route({ responses: { 200: { description: 'X', schema: bad } } }));
    expect(Object.keys(fallback.responses['200'].content)).toEqual(['application/json']);
    // Only a string body can be non-JSON: an object schema stays JSON.
    const obj = { type: 'object', contentMediaType: 'text/plain' };
    expect(
      Object.keys(
        opOf(route({ responses: { 200: { description: 'X', schema: obj } } })).responses['200'].content,
      ),
    ).toEqual(['application/json']);
  });
});

describe('a failed pattern says what the value must be', () => {
  const validate = compileRouteValidator('x', {
    method: 'POST',
    path: '/x/:id',
    handler: 'x',
    permission: 'x:write',
    schemas: {
      params: {
        type: 'object',
        properties: { id: { type: 'string', pattern: '^[a-z]+$', description: 'A lower-case node name' } },
      },
      body: {
        type: 'object',
        properties: {
          described: { $ref: '#/$defs/label' },
          bare: { type: 'string', pattern: '^[0-9]+$' },
        },
        $defs: { label: { type: 'string', pattern: '^[a-z]{1,8}$', description: 'A label of 1-8 letters' } },
      },
    },
  } as PluginRoute)!;
  const errorsOf = (input: Parameters<typeof validate>[0]) => {
    try {
      validate(input);
    } catch (err) {
      return (
        (err as { extras?: { errors?: Array<{ field: string; message: string }> } }).extras?.errors ?? []
      );
    }
    throw new Error('accepted');
  };

  it('uses the description (also through a $ref), and quotes the pattern only without one', () => {
    const errors = errorsOf({ params: { id: 'A!' }, query: {}, body: { described: 'X1', bare: 'x' } });
    expect(errors).toEqual([
      { field: 'id', message: 'must be: A lower-case node name' },
      { field: 'described', message: 'must be: A label of 1-8 letters' },
      { field: 'bare', message: 'must match pattern "^[0-9]+$"' },
    ]);
  });
});
