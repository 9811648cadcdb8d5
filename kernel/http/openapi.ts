import { z } from 'zod';
import { PUBLIC } from '../auth/index.js';
import type { JsonSchema, RouteResponseDoc, RouteSpec } from './route.js';
import { acceptsAbsentBody } from './route-validation/accepts-absent-body.js';

/** A media type as a response may declare it (`type/subtype` and parameters), nothing else. */
const MEDIA_TYPE =
  /^[a-z0-9][a-z0-9!#$&^_.+-]*\/[a-z0-9*][a-z0-9!#$&^_.+*-]*(?:\s*;\s*[a-z0-9_.-]+=[a-z0-9_.+-]+)*$/i;

const PROBLEM_SCHEMA = {
  type: 'object',
  description: 'An RFC 9457 problem; `code` is stable and listed in docs/errors.md.',
  required: ['type', 'title', 'status', 'code'],
  properties: {
    type: { type: 'string', description: 'urn:omega:error:<code>' },
    title: { type: 'string' },
    status: { type: 'integer' },
    detail: { type: 'string', description: 'What happened and what to do next.' },
    code: { type: 'string', pattern: '^[A-Z][A-Z0-9_]{2,63}$' },
    instance: { type: 'string' },
    requestId: { type: 'string' },
    errors: {
      type: 'array',
      description: 'For invalid input: each bad field and why.',
      items: {
        type: 'object',
        required: ['field', 'message'],
        properties: { field: { type: 'string' }, message: { type: 'string' } },
      },
    },
  },
  additionalProperties: true,
};

const problemRef = (description: string) => ({
  description,
  content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
});

/** `/api/v1/nodes/:id` → `/api/v1/nodes/{id}` (and the parameter list). */
function toOpenApiPath(path: string): { path: string; params: string[] } {
  const params: string[] = [];
  const out = path.replace(/:([A-Za-z_][A-Za-z0-9_]*)/g, (_, name: string) => {
    params.push(name);
    return `{${name}}`;
  });
  return { path: out, params };
}

/** A schema for the document: zod converted (what the route emits or accepts), JSON Schema as is. */
function schemaOf(schema: z.ZodType | JsonSchema, io: 'input' | 'output'): JsonSchema {
  if (schema instanceof z.ZodType) {
    const { $schema: _drop, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as JsonSchema;
    return rest;
  }
  return schema;
}

/** `kernel:get:/api/v1/plugins/:name` → `kernelGetApiV1PluginsName`: an id valid in a URL and in code. */
function operationId(route: RouteSpec): string {
  const words = [route.owner, route.method.toLowerCase(), ...route.path.split(/[^A-Za-z0-9]+/)].filter(
    Boolean,
  );
  return words
    .map((w, i) =>
      i === 0 ? w.replace(/-./g, (m) => m[1]!.toUpperCase()) : w[0]!.toUpperCase() + w.slice(1),
    )
    .join('')
    .replace(/[^A-Za-z0-9]/g, '');
}

/** The description an operation gets when its route declares none: what, who may, who serves it. */
function describe(route: RouteSpec): string {
  const who =
    route.permission === PUBLIC
      ? 'Public: no credentials needed.'
      : `Needs the permission \`${route.permission}\` (a bearer access token or API token).`;
  const served =
    route.owner === 'kernel' ? 'Served by the kernel.' : `Served by the \`${route.owner}\` plugin.`;
  return `${route.summary}. ${who} ${served}`;
}

/**
 * The media types a response body is documented under: the declared `contentType`, else a JSON
 * Schema string's `contentMediaType` (how a plugin manifest's response schema names a non-JSON
 * body, e.g. `{ type: 'string', contentMediaType: 'text/plain; version=0.0.4' }`), else JSON.
 */
function mediaTypesOf(d: RouteResponseDoc, schema: JsonSchema | undefined): readonly string[] {
  if (d.contentType !== undefined) return typeof d.contentType === 'string' ? [d.contentType] : d.contentType;
  const declared = schema?.contentMediaType;
  if (schema?.type === 'string' && typeof declared === 'string' && MEDIA_TYPE.test(declared))
    return [declared];
  return ['application/json'];
}

function response(doc: string | RouteResponseDoc, status: number): Record<string, unknown> {
  const d = typeof doc === 'string' ? { description: doc } : doc;
  if ((!d.schema && d.contentType === undefined) || status === 204 || status === 304)
    return { description: d.description };
  const schema = d.schema === undefined ? undefined : schemaOf(d.schema, 'output');
  const content: Record<string, unknown> = {};
  for (const type of mediaTypesOf(d, schema)) content[type] = schema === undefined ? {} : { schema };
  return { description: d.description, content };
}

function operation(route: RouteSpec): Record<string, unknown> {
  const { params } = toOpenApiPath(route.path);
  const responses: Record<string, unknown> = {};
  for (const [status, doc] of Object.entries(route.responses ?? { 200: 'OK' }))
    responses[status] = response(doc, Number(status));
  if (route.permission !== PUBLIC) {
    responses['401'] ??= problemRef('Missing, invalid or expired credentials');
    responses['403'] ??= problemRef(`The caller lacks the permission ${route.permission}`);
  }
  if (route.owner !== 'kernel') {
    responses['502'] ??= problemRef('The plugin failed or returned a malformed response');
    responses['503'] ??= problemRef('The plugin is not running');
    responses['504'] ??= problemRef('The plugin did not answer within its deadline');
  }
  // A plugin route documents query and path parameters only from the schemas the kernel enforces.
  if (route.owner !== 'kernel' && (route.query !== undefined || route.params !== undefined))
    responses['400'] ??= problemRef('Invalid query or path parameters (each bad field is named)');
  if (route.body !== undefined) {
    responses['400'] ??= problemRef('Malformed or invalid body');
    responses['413'] ??= problemRef('Body too large');
    responses['415'] ??= problemRef('Body is not JSON');
  }
  const op: Record<string, unknown> = {
    operationId: operationId(route),
    summary: route.summary,
    description: route.description ?? describe(route),
    tags: [route.owner],
    'x-omega-permission': route.permission,
    security: route.permission === PUBLIC ? [] : [{ bearer: [] }],
    responses,
  };
  const parameters: Array<Record<string, unknown>> = params.map((name) => ({
    name,
    in: 'path',
    required: true,
    ...(route.params?.[name]?.description ? { description: route.params[name].description } : {}),
    schema: route.params?.[name]?.schema ?? { type: 'string' },
  }));
  for (const [name, q] of Object.entries(route.query ?? {}))
    parameters.push({
      name,
      in: 'query',
      required: q.required === true,
      description: q.description,
      schema: q.schema ?? { type: 'string' },
    });
  if (parameters.length > 0) op.parameters = parameters;
  if (route.body !== undefined) {
    // A zod body is read as required JSON (415 without it); a `json` body is validated as
    // `undefined` when absent, so it is required exactly when its schema refuses that.
    const declared = route.body === 'json' ? route.bodySchema : schemaOf(route.body, 'input');
    op.requestBody = {
      required: route.body !== 'json' || (declared !== undefined && !acceptsAbsentBody(declared)),
      content: { 'application/json': { schema: declared ?? {} } },
    };
  } else if (route.requestBody !== undefined) {
    const b = route.requestBody;
    op.requestBody = {
      description: b.description,
      required: b.required ?? true,
      content: { [b.contentType]: { schema: b.schema ?? {} } },
    };
  }
  return op;
}

/** One tag of the document: a part of Omega that serves routes (the kernel or a plugin). */
export interface ApiTag {
  name: string;
  description: string;
}

/**
 * An OpenAPI 3.1 document generated from the route table (kernel and plugin routes): every
 * operation with an id, a description, its tag (defined), its permission, its parameters and
 * body schema, and its responses with their schemas. WebSocket endpoints (an upgrade, not a
 * request/response) are listed apart under `x-omega-websockets`; their messages are in
 * docs/events.md and docs/agent-protocol.md.
 */
export function buildOpenApi(
  routes: readonly RouteSpec[],
  info: { version: string; tags?: readonly ApiTag[] },
): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  const websockets: Array<Record<string, unknown>> = [];
  const owners = new Set<string>();
  for (const route of routes) {
    if (route.websocket) {
      websockets.push({
        path: route.path,
        summary: route.summary,
        description: route.description ?? describe(route),
        'x-omega-permission': route.permission,
      });
      continue;
    }
    owners.add(route.owner);
    const { path } = toOpenApiPath(route.path);
    paths[path] ??= {};
    paths[path][route.method.toLowerCase()] = operation(route);
  }
  const known = new Map((info.tags ?? []).map((t) => [t.name, t.description]));
  const tags = [...owners].sort().map((name) => ({
    name,
    description: known.get(name) ?? (name === 'kernel' ? 'The kernel' : `The ${name} plugin`),
  }));
  return {
    openapi: '3.1.0',
    info: {
      title: 'Omega API',
      version: info.version,
      description:
        'Control center for compute clusters. Errors are RFC 9457 problem+json with a stable `code` (docs/errors.md); lists page with `limit` and an opaque `cursor`.',
      contact: { name: 'Omega maintainers' },
      license: { name: 'Apache-2.0', identifier: 'Apache-2.0' },
    },
    servers: [{ url: '/', description: 'The kernel serving this document' }],
    tags,
    paths,
    'x-omega-websockets': websockets,
    components: {
      securitySchemes: {
        bearer: {
          type: 'http',
          scheme: 'bearer',
          description: 'An access token (POST /api/v1/security/login) or an API token (omg_…).',
        },
      },
      schemas: { Problem: PROBLEM_SCHEMA },
    },
  };
}
