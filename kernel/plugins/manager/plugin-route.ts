import type { PluginRoute, RouteRequest } from '@omega/protocol';
import type { Context } from 'hono';
import { hasPermission, type Principal, routeCaller } from '../../auth/index.js';
import {
  checkCookieRequest,
  REFRESH_COOKIE,
  type RefreshCookieRole,
  refreshCookie,
  refreshCookiePath,
  refreshTokenFromCookie,
  wantsRefreshCookie,
} from '../../auth/refresh-cookie.js';
import { hasErrorCode, omegaError } from '../../errors/index.js';
import { readHeaders, readRemote } from '../../http/node-bindings.js';
import { respondOwned } from '../../http/respond.js';
import { defineRoute, type RouteInput, type RouteSpec } from '../../http/route.js';
import {
  checkQueryNames,
  type RouteValidator,
  repeatedQueryNames,
  routeDocsFromSchemas,
} from '../../http/route-validation/index.js';
import type { Logger } from '../../log/index.js';
import { invokeRoute, type PluginInstance, readRouteAnswer } from '../../sandbox/index.js';
import type { CallCount } from './plugin-entry.js';
import { withProblemContext } from './problem-context.js';
import { routeErrorResponse } from './route-error-response.js';

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

/**
 * The request as the plugin sees it. `query` and `params` are the ones the handler already read
 * (for the route's schemas), not parsed from the URL a second time; the forwarded headers are
 * read from Node's parsed headers with one lookup of the bindings for all six.
 */
function requestFor(
  c: Context,
  body: unknown,
  principal: Principal | null,
  requestId: string,
  query: Record<string, string>,
  params: Record<string, string>,
): RouteRequest {
  const headers: Record<string, string> = { 'x-request-id': requestId };
  readHeaders(c, FORWARDED_HEADERS, headers);
  return {
    method: c.req.method,
    path: c.req.path,
    params,
    query,
    headers,
    body,
    caller: routeCaller(principal, readRemote(c)),
    requestId,
  };
}

/**
 * Headers a plugin may not set on the kernel's origin: cookies, CORS, transport and auth
 * policy belong to the kernel (a plugin could otherwise plant cookies or open CORS for the
 * dashboard's origin), and so do the headers the kernel puts on every response.
 */
const KERNEL_ONLY_HEADERS =
  /^(set-cookie|set-cookie2|access-control-.*|strict-transport-security|clear-site-data|alt-svc|www-authenticate|content-security-policy.*|x-frame-options|refresh|location|x-request-id|x-content-type-options)$/;
/** What Node accepts in a header value (RFC 9110 field-value octets); anything else is a malformed response. */
const FIELD_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/;
const EDGE_WHITESPACE = /^[\t ]+|[\t ]+$/g;
/** Content a browser could run on the kernel's origin is served as plain text instead. */
const ACTIVE_CONTENT =
  /^\s*(text\/html|application\/xhtml|image\/svg|text\/xml|application\/xml|text\/javascript|application\/javascript)/i;
const NO_BODY = new Set([204, 205, 304]);
/** The query of a request without one (shared: never written). */
const EMPTY: Record<string, string> = Object.freeze({});

const JSON_TYPE = /^application\/(?:[a-z0-9.+-]+\+)?json\s*(?:;|$)/i;

/**
 * Builds the client response from a validated plugin response (lower-case header names); nothing
 * active reaches a browser. Headers stay a plain object, so @hono/node-server writes the
 * response without building a Headers object; values are trimmed as the fetch API would.
 */
function toResponse(
  input: RouteInput<unknown>,
  res: { status: number; headers: Record<string, string>; body: unknown },
  /** A cookie the kernel sets (the auth provider's refresh cookie); plugins never set one. */
  setCookie?: string,
  /** `res.body`'s JSON text as the plugin wrote it (readRouteAnswer's bodyJson), sent as it is. */
  bodyJson?: string,
): Response {
  const headers: Record<string, string> = setCookie === undefined ? {} : { 'set-cookie': setCookie };
  for (const name of Object.keys(res.headers)) {
    if (KERNEL_ONLY_HEADERS.test(name)) continue;
    const value = res.headers[name]!.replace(EDGE_WHITESPACE, '');
    if (!FIELD_VALUE.test(value)) {
      throw omegaError(
        'OMEGA_ERR_PLUGIN_FAILED',
        `The plugin returned a malformed response: header "${name}" has a bad value`,
      );
    }
    headers[name] = value;
  }
  headers['cache-control'] ??= 'no-store';
  headers['content-security-policy'] = "sandbox; default-src 'none'";
  // `headers` is this response's own object: the kernel's headers go into it, no copy.
  if (res.body === undefined || NO_BODY.has(res.status))
    return respondOwned(input, null, res.status, headers);
  if (typeof res.body === 'string') {
    const type = headers['content-type'];
    if (!type || ACTIVE_CONTENT.test(type)) headers['content-type'] = 'text/plain; charset=utf-8';
    return respondOwned(input, res.body, res.status, headers);
  }
  // A JSON body keeps a JSON media type the plugin chose (e.g. application/problem+json).
  const type = headers['content-type'];
  if (type === undefined || !JSON_TYPE.test(type)) headers['content-type'] = 'application/json';
  return respondOwned(input, bodyJson ?? JSON.stringify(res.body), res.status, headers);
}

/** What a mounted plugin route needs from the manager. */
export interface PluginRouteOptions {
  /** The running instance, or undefined while the plugin is not running. */
  instance: () => PluginInstance | undefined;
  deadlineMs: number;
  /** Counts the call as in flight from its start until its answer (or failure) arrives, so a stop lets it finish. */
  calls: CallCount;
  logger: Logger;
  /** Why the plugin is refused or stopped (its view's reasons), for the 503 while it is not running. */
  reasons?: () => Array<{ code: string; message: string }>;
  /**
   * The plugin is restarting (a reload, an upgrade): its routes stay mounted and answer 503 with
   * Retry-After until the new copy mounts its own, so a client never reads the gap as 404.
   */
  restarting?: () => boolean;
  /** The route's compiled request schemas (compileRouteValidator): a request failing them never reaches the plugin. */
  validate?: RouteValidator;
  /** Set for the auth provider's sign-in routes: what the route does with the refresh cookie. */
  refreshCookie?: () => RefreshCookieRole | undefined;
}

type PluginResult = { status: number; headers: Record<string, string>; body: unknown };

/**
 * The refresh cookie around an auth provider's route (browsers that opt in with the custom
 * header): the token from the cookie goes into the body the plugin sees, a token the plugin
 * answers goes into the cookie and out of the body, and a sign-out or a refused cookie clears it.
 * Only for a route with a cookie role: every other plugin call skips it.
 */
function cookieBridge(
  c: Parameters<RouteSpec['handler']>[0],
  plugin: string,
  role: RefreshCookieRole,
  body: unknown,
) {
  const path = refreshCookiePath(plugin);
  const secure = new URL(c.req.url).protocol === 'https:';
  const obj =
    body !== null && typeof body === 'object' && !Array.isArray(body)
      ? (body as Record<string, unknown>)
      : undefined;
  const fromCookie =
    (role === 'rotate' || role === 'revoke') && obj?.refreshToken === undefined
      ? refreshTokenFromCookie(c)
      : undefined;
  const optedIn = wantsRefreshCookie(c);
  // A browser that opted in but holds no cookie (never signed in here, or signed out already) has
  // no session: refreshing is a 401 (not the plugin's 400 for a body it never sent), and signing
  // out is done — 204, as a second sign-out is.
  const noSession =
    optedIn && role !== 'issue' && obj?.refreshToken === undefined && fromCookie === undefined;
  // The same rule as a request with the cookie: another site cannot clear it, nor probe for it.
  if (noSession) checkCookieRequest(c);
  if (noSession && role === 'rotate')
    throw omegaError(
      'OMEGA_ERR_UNAUTHENTICATED',
      `No ${REFRESH_COOKIE} cookie came with the request: this browser has no sign-in session here; sign in.`,
    );
  return {
    /** Sign-out with no session to end: answered 204 by the kernel, the plugin not called. */
    signedOut: noSession ? refreshCookie(null, path, secure) : undefined,
    body: fromCookie === undefined ? body : { ...obj, refreshToken: fromCookie },
    /** The result as the client gets it, and the cookie to set. */
    answer(res: PluginResult): { res: PluginResult; setCookie?: string } {
      const out =
        res.body !== null && typeof res.body === 'object' ? (res.body as Record<string, unknown>) : undefined;
      if (optedIn && role !== 'revoke' && res.status === 200 && typeof out?.refreshToken === 'string') {
        const { refreshToken, ...rest } = out;
        return {
          res: { ...res, body: { ...rest, refreshCookie: true } },
          setCookie: refreshCookie(refreshToken, path, secure),
        };
      }
      if (fromCookie !== undefined && role === 'revoke' && res.status < 300)
        return { res, setCookie: refreshCookie(null, path, secure) };
      return { res };
    },
    /** A refused cookie (401: revoked, rotated, expired) is cleared. */
    refused(res: Response): Response {
      if (fromCookie !== undefined && res.status === 401)
        res.headers.set('set-cookie', refreshCookie(null, path, secure));
      return res;
    },
  };
}

/**
 * A failed plugin call as the client's answer: a route error the plugin chose to expose (sdk
 * httpError) is returned; anything else is thrown, in the kernel's words — what the plugin threw
 * is for its log, not for clients (it may name files or data), and a storage call that found the
 * disk full says so (507).
 */
function routeFailure(
  plugin: string,
  handler: string,
  logger: Logger,
  err: unknown,
  requestId: string,
  input: RouteInput<unknown>,
): Response {
  const exposed = routeErrorResponse(plugin, err, requestId, input);
  if (exposed) return exposed;
  if (hasErrorCode(err, 'OMEGA_ERR_PLUGIN_FAILED')) {
    logger.warn({ plugin, handler, reqId: requestId, detail: err.message }, 'plugin route failed');
    throw omegaError('OMEGA_ERR_PLUGIN_FAILED', `Plugin "${plugin}" failed in route handler "${handler}".`, {
      plugin,
      handler,
    });
  }
  if (hasErrorCode(err, 'OMEGA_ERR_STORAGE_FULL')) {
    throw omegaError(
      'OMEGA_ERR_STORAGE_FULL',
      `Plugin "${plugin}" could not save: the disk holding the kernel's data directory is full, ` +
        'so nothing was saved. Free space on it and retry; no restart is needed.',
      { plugin, handler },
    );
  }
  throw err;
}

/**
 * The route-table entry for one manifest route. Mounted from the manifest alone (no plugin
 * code runs to learn it); the kernel authorizes the caller with the declared permission and
 * checks the request against the route's declared schemas before the request is copied into the
 * plugin, documents those schemas, and validates what comes back.
 */
export function pluginRoute(plugin: string, route: PluginRoute, opts: PluginRouteOptions): RouteSpec {
  const { instance, deadlineMs, calls, logger } = opts;
  const hasBody = route.method !== 'GET' && route.method !== 'DELETE';
  // A path without parameters has none to read: hono's decoding pass is skipped for it.
  const hasParams = route.path.includes('/:');
  return defineRoute<unknown>({
    method: route.method,
    path: pluginRoutePath(plugin, route.path),
    permission: route.permission,
    owner: plugin,
    summary: route.summary ?? `${route.method} ${route.path} (plugin ${plugin})`,
    ...(hasBody ? { body: 'json' as const } : {}),
    ...routeDocsFromSchemas(route.schemas),
    // Before an Idempotency-Key is taken (create-app.ts): a request its schemas refuse is not kept under it.
    check: (c, input) => {
      // A target without a query has none to parse (hono's parse first tests the whole URL for escapes).
      const query: Record<string, string> = c.req.url.indexOf('?', 8) === -1 ? EMPTY : c.req.query();
      const params: Record<string, string> = hasParams ? c.req.param() : EMPTY;
      input.parts = { query, params };
      if (opts.validate)
        opts.validate({
          body: input.body,
          query,
          params,
          ...(query === EMPTY ? {} : { repeated: repeatedQueryNames(c.req.url, query) }),
        });
      // A route without schemas takes any name, but still one value of each.
      else if (query !== EMPTY) checkQueryNames(c.req.url, () => query, undefined);
    },
    handler: (c, input) => {
      const { body, principal, requestId } = input;
      // The check ran first (create-app.ts) and read them.
      const { query, params } = input.parts!;
      if (opts.restarting?.()) {
        throw omegaError(
          'OMEGA_ERR_PLUGIN_UNAVAILABLE',
          `Plugin "${plugin}" is restarting; retry in a moment.`,
          {
            plugin,
            state: 'restarting',
            retryAfterSec: 1,
          },
        );
      }
      const running = instance();
      if (!running) {
        const why = opts.reasons?.() ?? [];
        // The reasons name the operator's files (the grants file's path) and missing grants: they
        // are for who may read the plugin's view (plugins:read); an anonymous caller of a public
        // route, or a caller without it, learns only that it is refused (walk, review).
        if (why.length && !(principal && hasPermission(principal, 'plugins:read')))
          throw omegaError(
            'OMEGA_ERR_PLUGIN_UNAVAILABLE',
            `Plugin "${plugin}" is refused by the kernel; an operator sees why with omega plugin info ${plugin}.`,
            { plugin, state: 'refused' },
          );
        throw omegaError(
          'OMEGA_ERR_PLUGIN_UNAVAILABLE',
          why.length
            ? `Plugin "${plugin}" is refused: ${why.map((r) => r.message).join(' ')}`
            : `Plugin "${plugin}" is not running.`,
          // `state`, as when restarting: `status` is the problem's HTTP status (it dropped 'refused')
          { plugin, ...(why.length ? { state: 'refused', reasons: why } : {}) },
        );
      }
      const role = opts.refreshCookie?.();
      const cookie = role === undefined ? undefined : cookieBridge(c, plugin, role, body);
      if (cookie?.signedOut !== undefined)
        return toResponse(input, { status: 204, headers: {}, body: null }, cookie.signedOut);
      const req = requestFor(c, cookie ? cookie.body : body, principal, requestId, query, params);
      /** What the call failed with, as the client's answer (see {@link routeFailure}). */
      const failure = (err: unknown): Response => {
        const exposed = routeFailure(plugin, route.handler, logger, err, requestId, input);
        return cookie ? cookie.refused(exposed) : exposed;
      };
      /** The call failed: it is no longer in flight. */
      const failed = (err: unknown): Response => {
        calls.leave();
        return failure(err);
      };
      // One continuation, not an async function awaiting the call; the answer is read in it (not
      // in a continuation of its own, as callRoute reads it) and the call is counted in it (not
      // in a `then` of its own, as track counts one): three promises and microtasks fewer per
      // request. An answer that fails its checks, or a response that cannot be built, is a
      // failure as well.
      calls.enter();
      let call: Promise<string>;
      try {
        call = invokeRoute(running, route.handler, req, deadlineMs);
      } catch (err) {
        return failed(err);
      }
      return call.then((json) => {
        calls.leave();
        try {
          const res = withProblemContext(readRouteAnswer(json), () => c.req.path, requestId);
          // The body's text goes out as the plugin wrote it; the cookie bridge may change the body.
          if (!cookie) return toResponse(input, res, undefined, res.bodyJson);
          // Not the plugin's body text (bodyJson): it would still hold the refresh token.
          const { bodyJson: _text, ...plain } = res;
          const out = cookie.answer(plain);
          return toResponse(input, out.res, out.setCookie);
        } catch (err) {
          return failure(err);
        }
      }, failed);
    },
  });
}
