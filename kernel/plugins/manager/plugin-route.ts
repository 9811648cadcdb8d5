import { getConnInfo } from '@hono/node-server/conninfo';
import type { Context } from 'hono';
import type { Principal } from '../../auth/index.js';
import { hasErrorCode, omegaError } from '../../errors/index.js';
import { defineRoute, type RouteSpec } from '../../http/route.js';
import type { Logger } from '../../log/index.js';
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

/**
 * Headers a plugin may not set on the kernel's origin: cookies, CORS, transport and auth
 * policy belong to the kernel (a plugin could otherwise plant cookies or open CORS for the
 * dashboard's origin).
 */
const KERNEL_ONLY_HEADERS =
  /^(set-cookie|set-cookie2|access-control-.*|strict-transport-security|clear-site-data|alt-svc|www-authenticate|content-security-policy.*|x-frame-options|refresh|location)$/;
/** Content a browser could run on the kernel's origin is served as plain text instead. */
const ACTIVE_CONTENT =
  /^\s*(text\/html|application\/xhtml|image\/svg|text\/xml|application\/xml|text\/javascript|application\/javascript)/i;
const NO_BODY = new Set([204, 205, 304]);
const JSON_TYPE = /^application\/(?:[a-z0-9.+-]+\+)?json\s*(?:;|$)/i;

/** Builds the client response from a validated plugin response; nothing active reaches a browser. */
function toResponse(res: { status: number; headers: Record<string, string>; body: unknown }): Response {
  const headers = new Headers();
  for (const [name, value] of Object.entries(res.headers))
    if (!KERNEL_ONLY_HEADERS.test(name)) headers.set(name, value);
  headers.set('cache-control', headers.get('cache-control') ?? 'no-store');
  headers.set('content-security-policy', "sandbox; default-src 'none'");
  if (res.body === undefined || NO_BODY.has(res.status))
    return new Response(null, { status: res.status, headers });
  if (typeof res.body === 'string') {
    const type = headers.get('content-type');
    if (!type || ACTIVE_CONTENT.test(type)) headers.set('content-type', 'text/plain; charset=utf-8');
    return new Response(res.body, { status: res.status, headers });
  }
  // A JSON body keeps a JSON media type the plugin chose (e.g. application/problem+json).
  if (!JSON_TYPE.test(headers.get('content-type') ?? '')) headers.set('content-type', 'application/json');
  return new Response(JSON.stringify(res.body), { status: res.status, headers });
}

/** What a mounted plugin route needs from the manager. */
export interface PluginRouteOptions {
  /** The running instance, or undefined while the plugin is not running. */
  instance: () => PluginInstance | undefined;
  deadlineMs: number;
  /** Runs the call counted as in flight, so a stop lets it finish. */
  run: <T>(call: () => Promise<T>) => Promise<T>;
  logger: Logger;
}

/**
 * The route-table entry for one manifest route. Mounted from the manifest alone (no plugin
 * code runs to learn it); the kernel authorizes the caller with the declared permission
 * before the request is copied into the plugin, and validates what comes back.
 */
export function pluginRoute(plugin: string, route: PluginRoute, opts: PluginRouteOptions): RouteSpec {
  const { instance, deadlineMs, run, logger } = opts;
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
      const req = requestFor(c, body, principal, requestId);
      try {
        return toResponse(await run(() => callRoute(running, route.handler, req, deadlineMs)));
      } catch (err) {
        // What the plugin threw is for its log, not for clients (it may name files or data).
        if (hasErrorCode(err, 'OMEGA_ERR_PLUGIN_FAILED')) {
          logger.warn(
            { plugin, handler: route.handler, reqId: requestId, detail: err.message },
            'plugin route failed',
          );
          throw omegaError(
            'OMEGA_ERR_PLUGIN_FAILED',
            `Plugin "${plugin}" failed in route handler "${route.handler}".`,
            {
              plugin,
              handler: route.handler,
            },
          );
        }
        // A storage call that found the disk full: say so (507), in the kernel's words.
        if (hasErrorCode(err, 'OMEGA_ERR_STORAGE_FULL')) {
          throw omegaError(
            'OMEGA_ERR_STORAGE_FULL',
            `Plugin "${plugin}" could not save: the disk holding the kernel's data directory is full, ` +
              'so nothing was saved. Free space on it and retry; no restart is needed.',
            { plugin, handler: route.handler },
          );
        }
        throw err;
      }
    },
  });
}
