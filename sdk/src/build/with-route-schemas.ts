import { omegaError } from '@omega/protocol';
import { ROUTE_SCHEMAS_SOURCE } from './plugin-layout.js';
import { readRouteSchemas } from './read-route-schemas.js';
import { routeSchemasToJson } from './route-schemas-to-json.js';

/**
 * The author's manifest with each route's `schemas` set from src/route-schemas.ts (by handler
 * name), so the built manifest — and the integrity and signature over it — carries them.
 * Unchanged without that file. A route that already declares `schemas` in plugin.json and in
 * src/route-schemas.ts is an error: one place per route.
 */
export async function withRouteSchemas(
  dir: string,
  doc: Record<string, unknown>,
  path: string,
): Promise<Record<string, unknown>> {
  const declared = await readRouteSchemas(dir);
  if (declared === undefined || !Array.isArray(doc.routes)) return doc;
  const routes = doc.routes as Array<Record<string, unknown>>;
  const handlers = new Set(routes.map((r) => r.handler).filter((h): h is string => typeof h === 'string'));
  const schemas = routeSchemasToJson(declared, handlers);
  return {
    ...doc,
    routes: routes.map((r, i) => {
      const s = typeof r.handler === 'string' ? schemas.get(r.handler) : undefined;
      if (s === undefined) return r;
      if (r.schemas !== undefined)
        throw omegaError(
          'OMEGA_ERR_MANIFEST_INVALID',
          `${path}: routes[${i}] (${String(r.handler)}) declares "schemas" and so does ${ROUTE_SCHEMAS_SOURCE}; keep one.`,
          { file: path, field: `routes[${i}].schemas` },
        );
      return { ...r, schemas: s };
    }),
  };
}
