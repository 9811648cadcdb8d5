import { omegaError, ROUTE_SCHEMA_DIALECT, type RouteSchemasDeclaration } from '@omega/protocol';
import { ROUTE_SCHEMAS_SOURCE } from './plugin-layout.js';

const PARTS = ['body', 'query', 'params'] as const;

/** A schema as JSON Schema data: a Standard JSON Schema (zod ≥ 4.2, …) converted, a plain object as is. */
function toJson(schema: unknown, io: 'input' | 'output', where: string): Record<string, unknown> {
  const std = (schema as { '~standard'?: { jsonSchema?: Record<string, unknown> } } | null)?.['~standard'];
  let out: unknown = schema;
  if (std !== undefined) {
    const convert = std.jsonSchema?.[io];
    if (typeof convert !== 'function')
      throw omegaError(
        'OMEGA_ERR_MANIFEST_INVALID',
        `${ROUTE_SCHEMAS_SOURCE}: ${where} cannot convert itself to JSON Schema (use zod ≥ 4.2 or write a JSON Schema object).`,
        { file: ROUTE_SCHEMAS_SOURCE, field: where },
      );
    try {
      out = (convert as (o: { target: string }) => unknown)({ target: 'draft-2020-12' });
      // A request part's transform never runs (the kernel hands over what it checked), yet its
      // input form converts: refused by the output form, which cannot represent it (walk: a
      // `.transform(s => s.trim())` built, and the handler got the untrimmed text).
      const output = std.jsonSchema?.output;
      if (io === 'input' && typeof output === 'function')
        (output as (o: { target: string }) => unknown)({ target: 'draft-2020-12' });
    } catch (err) {
      throw omegaError(
        'OMEGA_ERR_MANIFEST_INVALID',
        `${ROUTE_SCHEMAS_SOURCE}: ${where} has no JSON Schema form (${(err as Error).message}); a request schema may hold only JSON data (no transforms, dates or functions).`,
        { file: ROUTE_SCHEMAS_SOURCE, field: where },
      );
    }
  }
  if (out === null || typeof out !== 'object' || Array.isArray(out))
    throw omegaError(
      'OMEGA_ERR_MANIFEST_INVALID',
      `${ROUTE_SCHEMAS_SOURCE}: ${where} must be a zod schema or a JSON Schema object.`,
      { file: ROUTE_SCHEMAS_SOURCE, field: where },
    );
  // A JSON round trip: plain data only (the manifest holds nothing else), and a private copy.
  const { $schema, ...rest } = JSON.parse(JSON.stringify(out)) as Record<string, unknown>;
  return $schema === undefined || $schema === ROUTE_SCHEMA_DIALECT ? rest : { $schema, ...rest };
}

/**
 * `routeSchemas` (src/route-schemas.ts, by handler name) as the manifest's `routes[].schemas`
 * (JSON Schema 2020-12, by handler name): request parts in their input form, responses in their
 * output form. A handler no route of `handlers` names is an error (a typo would silently
 * leave a route unvalidated).
 */
export function routeSchemasToJson(
  routeSchemas: unknown,
  handlers: ReadonlySet<string>,
): Map<string, RouteSchemasDeclaration> {
  if (routeSchemas === null || typeof routeSchemas !== 'object' || Array.isArray(routeSchemas))
    throw omegaError(
      'OMEGA_ERR_MANIFEST_INVALID',
      `${ROUTE_SCHEMAS_SOURCE} must export routeSchemas = defineRouteSchemas({ <handler>: { body, query, params, responses } }).`,
      { file: ROUTE_SCHEMAS_SOURCE },
    );
  const out = new Map<string, RouteSchemasDeclaration>();
  for (const [handler, decl] of Object.entries(routeSchemas)) {
    if (!handlers.has(handler))
      throw omegaError(
        'OMEGA_ERR_MANIFEST_INVALID',
        `${ROUTE_SCHEMAS_SOURCE}: "${handler}" is not the handler of any route in plugin.json (routes name: ${[...handlers].join(', ') || 'none'}).`,
        { file: ROUTE_SCHEMAS_SOURCE, field: handler },
      );
    const d = (decl ?? {}) as Record<string, unknown>;
    const unknown = Object.keys(d).filter(
      (k) => !(PARTS as readonly string[]).includes(k) && k !== 'responses',
    );
    if (unknown.length > 0)
      throw omegaError(
        'OMEGA_ERR_MANIFEST_INVALID',
        `${ROUTE_SCHEMAS_SOURCE}: ${handler} declares ${unknown.join(', ')}; a route takes body, query, params and responses.`,
        { file: ROUTE_SCHEMAS_SOURCE, field: `${handler}.${unknown[0]}` },
      );
    const json: RouteSchemasDeclaration = {};
    for (const part of PARTS)
      if (d[part] !== undefined) json[part] = toJson(d[part], 'input', `${handler}.${part}`);
    if (d.responses !== undefined) {
      const responses: Record<string, Record<string, unknown>> = {};
      for (const [status, s] of Object.entries(d.responses as Record<string, unknown>))
        responses[status] = toJson(s, 'output', `${handler}.responses.${status}`);
      json.responses = responses;
    }
    out.set(handler, json);
  }
  return out;
}
