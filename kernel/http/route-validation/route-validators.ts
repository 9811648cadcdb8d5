import type { PluginManifest, PluginRoute } from '@omega/protocol';
import { compileRouteValidator, type RouteValidator } from './compile-route-validator.js';

const compiled = new WeakMap<PluginManifest, Map<PluginRoute, RouteValidator>>();

/**
 * The request validators of every route of manifest `m` that declares schemas, compiled once per
 * loaded manifest (a restart of the same copy reuses them; a reload reads a new manifest and
 * compiles anew). Throws OMEGA_ERR_MANIFEST_INVALID when a schema does not compile.
 */
export function routeValidators(m: PluginManifest): Map<PluginRoute, RouteValidator> {
  let out = compiled.get(m);
  if (out) return out;
  out = new Map();
  for (const route of m.routes) {
    const v = compileRouteValidator(m.name, route);
    if (v) out.set(route, v);
  }
  compiled.set(m, out);
  return out;
}
