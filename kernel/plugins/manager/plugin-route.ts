import { getConnInfo } from '@hono/node-server/conninfo';
import type { Context } from 'hono';
import type { Principal } from '../../auth/index.js';
import { omegaError } from '../../errors/index.js';
import { defineRoute, type RouteSpec } from '../../http/route.js';
import type { RouteRequest } from '../../protocol/index.js';
import { callRoute, type PluginInstance } from '../../sandbox/index.js';
import type { PluginRoute } from '../manifest-schema.js';

/** Request headers a plugin may see; credentials and hop-by-hop headers never cross. */
const FORWARDED_HEADERS = [
  'accept',
  'accept-language',
  'content-type',
  'if-match',
  'if-none-match',
  'user-agent',
];

/** `/api/v1/<plugin>` + the manifest's relative path (`/` mounts at the prefix itself). */
export function pluginRoutePath(plugin: string, path: string): string {
  return path === '/' ? `/api/v1/${plugin}` : `/api/v1/${plugin}${path}`;
}

function remoteAddress(c: Context): string | undefined {
  try {
    return getConnInfo(c).remote.address;
  } catch {
    return undefined;
  }
}

function requestFor(c: Context, body: unknown, principal: Principal | null, requestId: string): RouteRequest {
  const headers: Record<string, string> = { 'x-request-id': requestId };
  for (const name of FORWARDED_HEADERS) {
    const v = c.req.header(name);
    if (v !== undefined) headers[name] = v;
  }
  if (principal) {
    headers['x-omega-caller'] = principal.id;
    headers['x-omega-caller-kind'] = principal.kind;
  }
  // The client's address (the plugin cannot see the socket): audit trails and rate limits need it.
  const remote = remoteAddress(c);
  if (remote !== undefined) headers['x-omega-remote'] = remote;
  return {
    method: c.req.method,
    path: c.req.path,
    params: c.req.param(),
    query: c.req.query(),
    headers,
    body,
  };
}

function toResponse(res: { status: number; headers: Record<string, string>; body: unknown }): Response {
  const headers = new Headers(res.headers);
  headers.set('cache-control', headers.get('cache-control') ?? 'no-store');
  if (res.body === undefined || res.status === 204 || res.status === 304)
    return new Response(null, { status: res.status, headers });
  if (typeof res.body === 'string') {
    if (!headers.has('content-type')) headers.set('content-type', 'text/plain; charset=utf-8');
    return new Response(res.body, { status: res.status, headers });
  }
  headers.set('content-type', 'application/json');
  return new Response(JSON.stringify(res.body), { status: res.status, headers });
}

/**
 * The route-table entry for one manifest route. Mounted from the manifest alone (no plugin
 * code runs to learn it); the kernel authorizes the caller with the declared permission
 * before the request is copied into the plugin, and validates what comes back.
 */
export function pluginRoute(
  plugin: string,
  route: PluginRoute,
  instance: () => PluginInstance | undefined,
  deadlineMs: number,
): RouteSpec {
  const hasBody = route.method !== 'GET' && route.method !== 'DELETE';
  return defineRoute<unknown>({
    method: route.method,
    path: pluginRoutePath(plugin, route.path),
    permission: route.permission,
    owner: plugin,
    summary: route.summary ?? `${route.method} ${route.path} (plugin ${plugin})`,
    ...(hasBody ? { body: 'json' as const } : {}),
    handler: async (c, { body, principal, requestId }) => {
      const running = instance();
      if (!running) {
        throw omegaError('OMEGA_ERR_PLUGIN_UNAVAILABLE', `Plugin "${plugin}" is not running.`, { plugin });
      }
      const res = await callRoute(
        running,
        route.handler,
        requestFor(c, body, principal, requestId),
        deadlineMs,
      );
      return toResponse(res);
    },
  });
}
