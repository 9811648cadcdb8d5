import type { PluginRoute } from '@omega/protocol';
import { defineRouteSchemas, type SchemaInput } from '@omega/sdk';
import { jsonSchemaField, optionalBody } from '@omega/sdk/route-schemas';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { z } from 'zod';
import { acceptsAbsentBody, compileRouteValidator } from '../../kernel/http/route-validation/index.js';
import { routeSchemasToJson } from '../../sdk/src/build/route-schemas-to-json.js';

/*
 * @omega/sdk/route-schemas, the way a plugin uses it: declared in route-schemas.ts, converted by
 * the sdk's build (routeSchemasToJson, what `omega-plugin build` writes into plugin.json) and
 * enforced by the kernel's own route validator — no validator of the test's.
 */

/** The kernel's validator for one route built from `schemas` (its only route, `handler`). */
function validatorFor(method: string, handler: string, schemas: ReturnType<typeof defineRouteSchemas>) {
  const declared = routeSchemasToJson(schemas, new Set([handler])).get(handler)!;
  return compileRouteValidator('x', {
    method,
    path: '/x',
    handler,
    permission: 'x:any',
    schemas: declared,
  } as PluginRoute)!;
}

/** The errors the kernel's 400 names for `input` (none when it passes). */
function errorsOf(
  check: ReturnType<typeof validatorFor>,
  input: Parameters<ReturnType<typeof validatorFor>>[0],
) {
  try {
    check(input);
    return [];
  } catch (err) {
    return (err as { extras: { errors: Array<{ field: string; message: string }> } }).extras.errors;
  }
}

const routeSchemas = defineRouteSchemas({
  stop: {
    body: optionalBody(
      z.strictObject({
        reason: z.string().max(20).optional(),
        size: jsonSchemaField<number | string>({
          type: ['integer', 'string'],
          minimum: 1,
          pattern: '^[0-9]+[MG]$',
        }).optional(),
      }),
      'How to stop.',
    ),
  },
});

const declared = routeSchemasToJson(routeSchemas, new Set(['stop'])).get('stop')!;
const validate = compileRouteValidator('x', {
  method: 'POST',
  path: '/x',
  handler: 'stop',
  permission: 'x:write',
  schemas: declared,
} as PluginRoute)!;

/** The fields the kernel's 400 names for `body` (empty when it passes). */
function refused(body: unknown): string[] {
  try {
    validate({ body, query: {}, params: {} });
    return [];
  } catch (err) {
    expect(err).toHaveProperty('code', 'OMEGA_ERR_VALIDATION');
    return (err as { extras: { errors: Array<{ field: string }> } }).extras.errors.map((e) => e.field);
  }
}

describe('optionalBody', () => {
  it('lets the body be left out (or null), and the document says so', () => {
    expect(refused(undefined)).toEqual([]);
    expect(refused(null)).toEqual([]);
    expect(refused({})).toEqual([]);
    expect(refused({ reason: 'maintenance' })).toEqual([]);
    expect(acceptsAbsentBody(declared.body as Record<string, unknown>)).toBe(true);
    expect(declared.body).not.toHaveProperty('type');
    expect(declared.body).toHaveProperty('description', 'How to stop. The body is optional.');
  });

  it('refuses every other non-object as (body), and checks an object as the object schema', () => {
    for (const bad of [[], [1], 'text', 0, true]) expect(refused(bad)).toEqual(['(body)']);
    expect(refused({ reason: 'x'.repeat(21) })).toEqual(['reason']);
    expect(refused({ other: 1 })).toEqual(['other']);
  });

  it('types the body as the object or undefined', () => {
    expectTypeOf<SchemaInput<typeof routeSchemas.stop.body>>().toEqualTypeOf<
      { reason?: string | undefined; size?: number | string | undefined } | undefined
    >();
  });
});

describe('jsonSchemaField', () => {
  it('is written as given: one schema of several types, not an anyOf', () => {
    const size = (declared.body as { properties: Record<string, unknown> }).properties.size;
    expect(size).toEqual({ type: ['integer', 'string'], minimum: 1, pattern: '^[0-9]+[MG]$' });
  });

  it('gives one error per bad value, and passes each accepted type', () => {
    expect(refused({ size: 2 })).toEqual([]);
    expect(refused({ size: '4G' })).toEqual([]);
    expect(refused({ size: '4 apples' })).toEqual(['size']);
    expect(refused({ size: 0 })).toEqual(['size']);
    expect(refused({ size: false })).toEqual(['size']);
  });
});

describe('query parameters a route does not declare', () => {
  const check = validatorFor(
    'GET',
    'list',
    defineRouteSchemas({
      list: {
        query: z.object({
          state: z.enum(['running', 'ended']).optional(),
          limit: z.coerce.number().int().min(1).max(100).optional(),
        }),
      },
    }),
  );
  const fields = (query: Record<string, string>): string[] =>
    errorsOf(check, { body: undefined, query, params: {} }).map((e) => e.field);

  it('are refused by name (a misspelt filter answered everything, as if it matched)', () => {
    expect(fields({ state: 'running', limit: '5' })).toEqual([]);
    expect(fields({ stat: 'running' })).toEqual(['stat']);
    expect(fields({ state: 'running', bogus: '1', limit: '0' }).sort()).toEqual(['bogus', 'limit']);
  });

  it('a parameter given twice is refused by name (the plugin sees one value: ?limit=2&limit=3 answered 2)', () => {
    const errors = errorsOf(check, {
      body: undefined,
      query: { limit: '2' },
      params: {},
      repeated: ['limit'],
    });
    expect(errors).toEqual([{ field: 'limit', message: 'was given more than once; give it once' }]);
  });
});

describe('a field that may take one of several forms', () => {
  const check = validatorFor(
    'POST',
    'mint',
    defineRouteSchemas({
      mint: {
        body: z.strictObject({
          ttl: z
            .union([z.number().min(60), z.string().regex(/^\d{1,9}[smhd]?$/)])
            .optional()
            .describe('Lifetime: a duration such as 1h, or seconds'),
        }),
      },
    }),
  );

  it('is refused once, saying what it may be, not with each form’s own error and a regex', () => {
    const errors = errorsOf(check, { body: { ttl: '999y' }, query: {}, params: {} });
    expect(errors).toEqual([
      { field: 'ttl', message: 'must be: Lifetime: a duration such as 1h, or seconds' },
    ]);
    expect(() => check({ body: { ttl: '90m' }, query: {}, params: {} })).not.toThrow();
  });
});

describe('a request schema with a transform', () => {
  it('fails the build, as the guide says (the kernel hands the handler what it checked, untransformed)', () => {
    // Walk: `.transform(s => s.trim())` built, and the handler got the untrimmed text.
    for (const body of [
      z.object({ who: z.string().transform((s) => s.trim()) }),
      z.object({
        shout: z
          .boolean()
          .optional()
          .transform((b) => !!b),
      }),
    ])
      expect(() => routeSchemasToJson({ greet: { body } }, new Set(['greet']))).toThrow(
        /src\/route-schemas\.ts: greet\.body has no JSON Schema form .*no transforms/,
      );
    // Defaults and plain data still build.
    const plain = routeSchemasToJson(
      { greet: { body: z.object({ who: z.string(), n: z.number().default(1) }) } },
      new Set(['greet']),
    );
    expect(plain.get('greet')?.body).toMatchObject({ type: 'object' });
  });
});
