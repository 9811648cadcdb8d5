import type { RouteSpec } from './route.js';

/**
 * The query names a kernel API route takes — those its OpenAPI entry documents (`query`) — or
 * undefined when the kernel does not check them: plugin routes check their own (plugin-route.ts),
 * the browser's paths (`/`, `/ui/…`, where the dashboard keeps its state), WebSocket routes
 * (their gateway reads the query) and routes marked `anyQuery` (probes) take any. Otherwise a
 * name the route does not take (`/api/v1/plugins?stat=x` answered every plugin, as if the filter
 * matched) or one given twice is a 400 naming it, as on plugin routes with schemas.
 */
export function documentedQueryNames(route: RouteSpec): ReadonlySet<string> | undefined {
  if (route.owner !== 'kernel' || route.websocket || route.anyQuery || !route.path.startsWith('/api/'))
    return undefined;
  return new Set(Object.keys(route.query ?? {}));
}
