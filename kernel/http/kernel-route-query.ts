import type { RouteSpec } from './route.js';
import { checkQueryNames } from './route-validation/index.js';

/**
 * A kernel API route checks its query's names against those it documents (`query`), as plugin
 * routes with schemas do: a name it does not take (`/api/v1/plugins?stat=x` answered every
 * plugin, as if the filter matched) or one given twice is a 400 naming it. Plugin routes check
 * their own (plugin-route.ts); the browser's paths (`/`, `/ui/…`) and WebSocket routes take any.
 */
export function withQueryCheck(route: RouteSpec): RouteSpec {
  if (route.owner !== 'kernel' || route.websocket || !route.path.startsWith('/api/')) return route;
  const known = new Set(Object.keys(route.query ?? {}));
  const { handler } = route;
  return {
    ...route,
    handler: (c, input) => {
      checkQueryNames(c.req.url, () => c.req.query(), known);
      return handler(c, input);
    },
  };
}
