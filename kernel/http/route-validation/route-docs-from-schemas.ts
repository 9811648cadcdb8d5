import type { RouteSchemasDeclaration } from '@omega/protocol';
import type { JsonSchema, RouteQueryDoc, RouteResponseDoc, RouteSpec } from '../route.js';

const STATUS_TEXT: Record<string, string> = {
  '200': 'OK',
  '201': 'Created',
  '202': 'Accepted',
  '204': 'No content',
  '206': 'Partial content',
};

/** An object schema's properties as documented parameters (required from its `required`). */
function parametersOf(schema: JsonSchema): Record<string, RouteQueryDoc> {
  const props = (schema.properties ?? {}) as Record<string, JsonSchema>;
  const required = new Set(Array.isArray(schema.required) ? (schema.required as string[]) : []);
  const out: Record<string, RouteQueryDoc> = {};
  for (const [name, prop] of Object.entries(props)) {
    const { description, ...rest } = prop;
    out[name] = {
      description: typeof description === 'string' ? description : `The ${name} parameter`,
      required: required.has(name),
      schema: rest,
    };
  }
  return out;
}

/**
 * A plugin route's declared JSON Schemas as the route table's documentation fields — the same
 * schemas the kernel validates against, so the OpenAPI document cannot drift from what is
 * enforced. A response's description is its schema's `description`, else the status text.
 */
export function routeDocsFromSchemas(
  schemas: RouteSchemasDeclaration | undefined,
): Pick<RouteSpec, 'bodySchema' | 'query' | 'params' | 'responses'> {
  if (!schemas) return {};
  const out: Pick<RouteSpec, 'bodySchema' | 'query' | 'params' | 'responses'> = {};
  if (schemas.body) out.bodySchema = schemas.body;
  if (schemas.query) out.query = parametersOf(schemas.query);
  if (schemas.params) out.params = parametersOf(schemas.params);
  if (schemas.responses) {
    const responses: Record<number, RouteResponseDoc> = {};
    for (const [status, schema] of Object.entries(schemas.responses)) {
      const d = schema.description;
      responses[Number(status)] = {
        description: typeof d === 'string' ? d : (STATUS_TEXT[status] ?? `HTTP ${status}`),
        schema,
      };
    }
    out.responses = responses;
  }
  return out;
}
