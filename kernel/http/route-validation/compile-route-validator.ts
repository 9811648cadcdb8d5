import type { PluginRoute } from '@omega/protocol';
import type { ErrorObject, ValidateFunction } from 'ajv/dist/2020.js';
import { omegaError } from '../../errors/index.js';
import { invalidRequest, MAX_FIELD_ERRORS } from './field-errors.js';
import { queryNameErrors } from './query-names.js';
import { compileSchema } from './schema-compilers.js';

/** What a plugin route's request carries, as the kernel read it. */
export interface RouteInputParts {
  body: unknown;
  query: Record<string, string>;
  params: Record<string, string>;
  /** Query names the request gave more than once (`query` holds one value of each). */
  repeated?: readonly string[];
}

/** Checks a request against a route's declared schemas; throws OMEGA_ERR_VALIDATION naming each bad field. */
export type RouteValidator = (input: RouteInputParts) => void;

type Part = keyof RouteInputParts;

/**
 * The `description` of the schema holding the keyword that failed (ajv's `schemaPath`, e.g.
 * `#/properties/name/pattern`, walked inside the route's own schema: references are `#…` only).
 */
function describedBy(root: Record<string, unknown>, schemaPath: string): string | undefined {
  let at: unknown = root;
  for (const raw of schemaPath.split('/').slice(1, -1)) {
    if (at === null || typeof at !== 'object') return undefined;
    at = (at as Record<string, unknown>)[raw.replace(/~1/g, '/').replace(/~0/g, '~')];
  }
  const d = (at as { description?: unknown } | null)?.description;
  return typeof d === 'string' && d.trim() !== '' ? d.trim() : undefined;
}

/**
 * `/probe/intervalMs` + ajv's params → `probe.intervalMs` (the form the kernel's zod errors use).
 * A failed `pattern` says what the value must be from the schema's `description` (a regex is no
 * help to a caller); only a schema without one quotes the pattern.
 */
function fieldOf(
  part: Part,
  e: ErrorObject,
  schema: Record<string, unknown>,
): { field: string; message: string } {
  const segments = e.instancePath
    .split('/')
    .slice(1)
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
  let message = e.message ?? 'is invalid';
  const p = e.params as { missingProperty?: string; additionalProperty?: string; allowedValues?: unknown[] };
  if (e.propertyName !== undefined) {
    // A key that breaks `propertyNames` (a record's key pattern): name the key, not only its object.
    segments.push(e.propertyName);
    message = `is not an allowed key (${message})`;
  } else if (e.keyword === 'required' && p.missingProperty !== undefined) {
    segments.push(p.missingProperty);
    message = 'is required';
  } else if (e.keyword === 'additionalProperties' && p.additionalProperty !== undefined) {
    segments.push(p.additionalProperty);
    message = 'is not allowed here';
  } else if (e.keyword === 'enum' && Array.isArray(p.allowedValues)) {
    message = `must be one of ${p.allowedValues.map((v) => JSON.stringify(v)).join(', ')}`.slice(0, 300);
  } else if (e.keyword === 'pattern' || e.keyword === 'anyOf' || e.keyword === 'oneOf') {
    const described = describedBy(schema, e.schemaPath);
    if (described !== undefined) message = `must be: ${described}`.slice(0, 300);
  }
  return { field: segments.join('.') || `(${part})`, message };
}

function compilePart(
  plugin: string,
  route: PluginRoute,
  part: Part,
  schema: Record<string, unknown>,
): ValidateFunction {
  try {
    return compileSchema(schema, part === 'body' ? 'body' : 'parameters');
  } catch (err) {
    throw omegaError(
      'OMEGA_ERR_MANIFEST_INVALID',
      `Plugin "${plugin}": the ${part} schema of ${route.method} ${route.path} is not a valid JSON Schema (${(err as Error).message.slice(0, 300)}); fix src/route-schemas.ts and rebuild.`,
      { plugin, field: `routes.${route.handler}.schemas.${part}` },
    );
  }
}

const NO_NAMES: ReadonlySet<string> = new Set();

/**
 * The query parameters a route's query schema names, when it names them and does not allow
 * others (`additionalProperties` unset or false); undefined when any name goes.
 */
function declaredQueryNames(schema: Record<string, unknown> | undefined): Set<string> | undefined {
  const props = schema?.properties;
  if (props === null || typeof props !== 'object' || Array.isArray(props)) return undefined;
  if (schema?.additionalProperties !== undefined && schema.additionalProperties !== false) return undefined;
  if (schema?.patternProperties !== undefined) return undefined;
  return new Set(Object.keys(props));
}

/**
 * Compiles the request schemas a manifest route declares (`schemas.body`, `query`, `params`) into
 * one check, run before the request crosses into the isolate: a request that fails it is a 400
 * problem naming each bad field, and the plugin never sees it. A route with `schemas` but no
 * `query` schema takes no query parameter (its schemas document the route: `?bogus=1` on a
 * create route was a 201). Undefined for a route without `schemas` (any name, each once:
 * plugin-route.ts). Throws OMEGA_ERR_MANIFEST_INVALID when a schema does not compile (the plugin
 * is refused).
 */
export function compileRouteValidator(plugin: string, route: PluginRoute): RouteValidator | undefined {
  const s = route.schemas;
  if (!s) return undefined;
  const checks: Array<[Part, ValidateFunction, Record<string, unknown>]> = [];
  for (const part of ['params', 'query', 'body'] as const) {
    const schema = s[part];
    if (schema !== undefined) checks.push([part, compilePart(plugin, route, part, schema), schema]);
  }
  const known = s.query === undefined ? NO_NAMES : declaredQueryNames(s.query);
  return (input) => {
    const errors = queryNameErrors(input.query, input.repeated ?? [], known);
    for (const [part, check, schema] of checks) {
      // Parameters are coerced to their declared types on a copy: the plugin gets the strings as sent.
      const value = part === 'body' ? input.body : { ...input[part] };
      if (check(value)) continue;
      // a described union's failure says what the field may be: its branches' errors are left out
      const unions = (check.errors ?? [])
        .filter((e) => (e.keyword === 'anyOf' || e.keyword === 'oneOf') && describedBy(schema, e.schemaPath))
        .map((e) => `${e.schemaPath}/`);
      for (const e of check.errors ?? []) {
        // ajv follows each failed key check with a bare "property name must be valid": the key is named already.
        if (e.keyword === 'propertyNames') continue;
        if (unions.some((u) => e.schemaPath.startsWith(u))) continue;
        if (errors.length < MAX_FIELD_ERRORS) errors.push(fieldOf(part, e, schema));
      }
    }
    if (errors.length > 0) throw invalidRequest(errors);
  };
}
