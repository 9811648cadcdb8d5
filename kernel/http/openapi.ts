import { z } from 'zod';
import { PUBLIC } from '../auth/index.js';
import type { RouteSpec } from './route.js';

const PROBLEM_SCHEMA = {
  type: 'object',
  required: ['type', 'title', 'status', 'code'],
  properties: {
    type: { type: 'string' },
    title: { type: 'string' },
    status: { type: 'integer' },
    detail: { type: 'string' },
    code: { type: 'string' },
    instance: { type: 'string' },
    requestId: { type: 'string' },
  },
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

function operation(route: RouteSpec): Record<string, unknown> {
  const { params } = toOpenApiPath(route.path);
  const responses: Record<string, unknown> = {};
  for (const [status, description] of Object.entries(route.responses ?? { 200: 'OK' })) {
    responses[status] = { description };
  }
  if (route.permission !== PUBLIC) {
    responses['401'] = problemRef('Missing, invalid or expired credentials');
    responses['403'] = problemRef(`Caller lacks the permission ${route.permission}`);
  }
  if (route.owner !== 'kernel') {
    responses['502'] = problemRef('The plugin failed or returned a malformed response');
    responses['503'] = problemRef('The plugin is not running');
    responses['504'] = problemRef('The plugin did not answer within its deadline');
  }
  if (route.body !== undefined) {
    responses['400'] = problemRef('Malformed or invalid body');
    responses['413'] = problemRef('Body too large');
    responses['415'] = problemRef('Body is not JSON');
  }
  const op: Record<string, unknown> = {
    operationId: `${route.owner}:${route.method.toLowerCase()}:${route.path}`,
    summary: route.summary,
    tags: [route.owner],
    'x-omega-permission': route.permission,
    security: route.permission === PUBLIC ? [] : [{ bearer: [] }],
    responses,
  };
  if (params.length > 0) {
    op.parameters = params.map((name) => ({ name, in: 'path', required: true, schema: { type: 'string' } }));
  }
  if (route.websocket) op['x-omega-websocket'] = true;
  if (route.body !== undefined) {
    const schema =
      route.body === 'json' ? {} : z.toJSONSchema(route.body, { io: 'input', unrepresentable: 'any' });
    op.requestBody = { required: route.body !== 'json', content: { 'application/json': { schema } } };
  }
  return op;
}

/** An OpenAPI 3.1 document generated from the route table (kernel and plugin routes). */
export function buildOpenApi(
  routes: readonly RouteSpec[],
  info: { version: string },
): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes) {
    const { path } = toOpenApiPath(route.path);
    paths[path] ??= {};
    paths[path][route.method.toLowerCase()] = operation(route);
  }
  return {
    openapi: '3.1.0',
    info: { title: 'Omega API', version: info.version, description: 'Control center for compute clusters.' },
    servers: [{ url: '/' }],
    paths,
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } },
      schemas: { Problem: PROBLEM_SCHEMA },
    },
  };
}
