import { z } from 'zod';

/** Largest `schemas` of one route, as JSON text: real request/response schemas are a few KiB. */
export const MAX_ROUTE_SCHEMAS_BYTES = 64 * 1024;
/** Deepest nesting (objects and arrays) of one JSON Schema: deep ones only cost the validator. */
export const MAX_ROUTE_SCHEMA_DEPTH = 32;
/** The JSON Schema dialect route schemas are written in (OpenAPI 3.1's). */
export const ROUTE_SCHEMA_DIALECT = 'https://json-schema.org/draft/2020-12/schema';

/**
 * Why `schema` is not a JSON Schema a route may declare, or null: an object, at most
 * {@link MAX_ROUTE_SCHEMA_DEPTH} deep, plain JSON data, references only inside itself (`#…`:
 * the kernel never fetches one), no `$id` (it would name the schema for every plugin), and
 * `$schema`, if present, the 2020-12 dialect.
 */
export function routeSchemaProblem(schema: unknown): string | null {
  if (schema === null || typeof schema !== 'object' || Array.isArray(schema))
    return 'must be a JSON Schema object';
  const walk = (v: unknown, depth: number, at: string): string | null => {
    if (depth > MAX_ROUTE_SCHEMA_DEPTH) return `is nested deeper than ${MAX_ROUTE_SCHEMA_DEPTH} levels`;
    if (v === null || typeof v === 'string' || typeof v === 'boolean') return null;
    if (typeof v === 'number') return Number.isFinite(v) ? null : `${at}: must be a finite number`;
    if (Array.isArray(v)) {
      for (const [i, x] of v.entries()) {
        const p = walk(x, depth + 1, `${at}[${i}]`);
        if (p) return p;
      }
      return null;
    }
    if (typeof v !== 'object' || Object.getPrototypeOf(v) !== Object.prototype)
      return `${at}: must be plain JSON data`;
    for (const [k, x] of Object.entries(v)) {
      if (k === '$id') return `${at}: must not declare "$id" (use "$defs" and "#/$defs/…" references)`;
      if ((k === '$ref' || k === '$dynamicRef') && (typeof x !== 'string' || !x.startsWith('#')))
        return `${at}.${k}: must refer inside the schema ("#/$defs/…"); the kernel fetches nothing`;
      if (k === '$schema' && x !== ROUTE_SCHEMA_DIALECT)
        return `${at}.$schema: must be ${ROUTE_SCHEMA_DIALECT}`;
      const p = walk(x, depth + 1, `${at}.${k}`);
      if (p) return p;
    }
    return null;
  };
  return walk(schema, 1, '(schema)');
}

const jsonSchema = z.custom<Record<string, unknown>>().superRefine((s, ctx) => {
  const problem = routeSchemaProblem(s);
  if (problem !== null) ctx.addIssue({ code: 'custom', message: problem });
});

/** Query and path parameters: an object schema whose `properties` name the parameters. */
const parameterSchema = jsonSchema.superRefine((s, ctx) => {
  const props = s.properties;
  if (s.type !== 'object' || props === null || typeof props !== 'object' || Array.isArray(props))
    ctx.addIssue({
      code: 'custom',
      message: 'must be an object schema ({ "type": "object", "properties": { … } }) naming each parameter',
    });
});

/**
 * `routes[].schemas`: JSON Schemas (2020-12) of what a route accepts and answers. The kernel
 * validates `body`, `query` and `params` before the request reaches the plugin, and puts all
 * of them in the OpenAPI document. `omega-plugin build` writes them from `src/route-schemas.ts`.
 */
export const routeSchemasSchema = z
  .strictObject({
    body: jsonSchema.optional(),
    query: parameterSchema.optional(),
    params: parameterSchema.optional(),
    /** Response bodies by status ("200", "201", …): documented, not enforced. */
    responses: z
      .record(z.string().regex(/^[1-5][0-9][0-9]$/, 'must be an HTTP status such as "200"'), jsonSchema)
      .optional(),
  })
  .superRefine((s, ctx) => {
    const bytes = JSON.stringify(s).length;
    if (bytes > MAX_ROUTE_SCHEMAS_BYTES)
      ctx.addIssue({
        code: 'custom',
        message: `are ${bytes} bytes of JSON; at most ${MAX_ROUTE_SCHEMAS_BYTES} per route (move shared parts into "$defs")`,
      });
  });

/** The JSON Schemas a manifest route declares (see {@link routeSchemasSchema}). */
export type RouteSchemasDeclaration = z.output<typeof routeSchemasSchema>;
