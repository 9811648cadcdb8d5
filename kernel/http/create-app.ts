import { getConnInfo } from '@hono/node-server/conninfo';
import { type Context, Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import {
  type Authenticator,
  bearerFrom,
  type Credentials,
  hasPermission,
  type Principal,
  PUBLIC,
} from '../auth/index.js';
import { type ErrorCode, hasErrorCode, OmegaError, omegaError, toProblem } from '../errors/index.js';
import type { Logger } from '../log/index.js';
import { checkBodyDigest } from './check-body-digest.js';
import { problemResponse } from './problem-response.js';
import { readJsonBody } from './read-json-body.js';
import { requestIdFrom } from './request-id.js';
import type { RouteSpec } from './route.js';
import type { RouteTable } from './route-table.js';

/** What the HTTP app needs from the kernel. */
export interface HttpAppOptions {
  table: RouteTable;
  authenticator: Authenticator;
  logger: Logger;
  bodyLimitBytes: number;
  /** True once shutdown began: responses then carry `Connection: close`. */
  isStopping: () => boolean;
  /** Told about refused credentials, authorization denials and completed changes (for the audit trail). */
  observe?: (outcome: RequestOutcome) => void;
}

/** What {@link HttpAppOptions.observe} hears about. */
export type RequestOutcome =
  | { type: 'authn-failed'; method: string; path: string; remote?: string; code: string; reason?: string }
  | {
      type: 'authz-denied';
      method: string;
      path: string;
      remote?: string;
      principal: Principal;
      permission: string;
    }
  | {
      type: 'changed';
      /** The route's declared audit topic. */
      topic: string;
      params: Record<string, string>;
      /** What the route's audit declaration picked from the request (never the raw body). */
      details?: unknown;
      status: number;
      principal: Principal | null;
      remote?: string;
    };

type Env = { Variables: { requestId: string } };

const HTTP_STATUS_CODES: Record<number, ErrorCode> = {
  400: 'OMEGA_ERR_BAD_REQUEST',
  401: 'OMEGA_ERR_UNAUTHENTICATED',
  403: 'OMEGA_ERR_FORBIDDEN',
  404: 'OMEGA_ERR_NOT_FOUND',
  413: 'OMEGA_ERR_PAYLOAD_TOO_LARGE',
  415: 'OMEGA_ERR_UNSUPPORTED_MEDIA_TYPE',
};

function remoteOf(c: Context): string | undefined {
  try {
    return getConnInfo(c).remote.address;
  } catch {
    return undefined;
  }
}

/** Maps anything thrown while serving to an OmegaError (unknown errors stay internal). */
function asOmegaError(err: unknown): unknown {
  if (hasErrorCode(err)) return err;
  if (err instanceof URIError)
    return omegaError('OMEGA_ERR_BAD_REQUEST', 'The URL contains malformed percent-encoding.');
  if (err instanceof HTTPException) {
    const code = HTTP_STATUS_CODES[err.status];
    if (code) return omegaError(code, err.message || 'Bad request.');
  }
  return err;
}

/** True when the request carries a body (HTTP/1.1 framing: a non-zero length or chunked). */
function hasBody(c: Context): boolean {
  const length = c.req.header('content-length');
  return length !== undefined ? length !== '0' : c.req.header('transfer-encoding') !== undefined;
}

const NO_HEADERS: Record<string, string> = Object.freeze({}) as Record<string, string>;

function signedCredentials(c: Context, bearer: string | undefined, remote: string | undefined): Credentials {
  const url = new URL(c.req.url);
  return {
    ...(bearer ? { bearer } : {}),
    headers: c.req.header(),
    method: c.req.method,
    url: url.pathname + url.search,
    ...(remote ? { remote } : {}),
  };
}

async function authorize(
  c: Context,
  route: RouteSpec,
  authenticator: Authenticator,
  observe?: (outcome: RequestOutcome) => void,
): Promise<Principal | null> {
  if (route.permission === PUBLIC) return null;
  const bearer = bearerFrom(c.req.header('authorization'));
  const signed = c.req.header('x-omega-signature') !== undefined;
  const remote = remoteOf(c);
  const failed = (code: string, reason?: string) =>
    observe?.({
      type: 'authn-failed',
      method: c.req.method,
      path: c.req.path,
      code,
      ...(remote ? { remote } : {}),
      ...(reason ? { reason } : {}),
    });
  let principal: Principal | null = null;
  if (bearer || signed) {
    try {
      // A bearer needs nothing else; only a signed request needs its headers, method and URL.
      principal = await authenticator.authenticate(
        signed ? signedCredentials(c, bearer, remote) : { bearer, headers: NO_HEADERS },
      );
    } catch (err) {
      if (
        hasErrorCode(err) &&
        err.code !== 'OMEGA_ERR_TOKEN_EXPIRED' &&
        err.code !== 'OMEGA_ERR_UNAVAILABLE'
      ) {
        const reason = (err as { extras?: { reason?: unknown } }).extras?.reason;
        failed(err.code, typeof reason === 'string' ? reason : undefined);
      }
      throw err;
    }
  }
  if (!principal) {
    if (bearer || signed) failed('OMEGA_ERR_UNAUTHENTICATED', 'unknown credential');
    throw omegaError(
      'OMEGA_ERR_UNAUTHENTICATED',
      bearer ? 'The bearer token is not valid.' : 'This route needs a bearer token.',
    );
  }
  if (!hasPermission(principal, route.permission)) {
    observe?.({
      type: 'authz-denied',
      method: c.req.method,
      path: c.req.path,
      principal,
      permission: route.permission,
      ...(remote ? { remote } : {}),
    });
    throw omegaError(
      'OMEGA_ERR_FORBIDDEN',
      `${route.method} ${route.path} needs the permission "${route.permission}".`,
      {
        permission: route.permission,
      },
    );
  }
  return principal;
}

function build(opts: HttpAppOptions): Hono<Env> {
  const { table, authenticator, logger, bodyLimitBytes } = opts;
  const app = new Hono<Env>();

  app.use('*', async (c, next) => {
    const started = performance.now();
    const requestId = requestIdFrom(c.req.header('x-request-id'));
    c.set('requestId', requestId);
    await next();
    c.res.headers.set('x-request-id', requestId);
    c.res.headers.set('x-content-type-options', 'nosniff');
    if (opts.isStopping()) c.res.headers.set('connection', 'close');
    logger.info(
      {
        reqId: requestId,
        method: c.req.method,
        path: c.req.path,
        status: c.res.status,
        ms: Math.round((performance.now() - started) * 100) / 100,
        remote: remoteOf(c),
      },
      'request',
    );
  });

  for (const route of table.list()) {
    app.on(route.method, route.path, async (c) => {
      const principal = await authorize(c, route, authenticator, opts.observe);
      if (principal?.bodySha256 !== undefined) await checkBodyDigest(c, principal.bodySha256, bodyLimitBytes);
      const body =
        route.body === undefined || (route.body === 'json' && !hasBody(c))
          ? undefined
          : await readJsonBody(c, bodyLimitBytes, route.body === 'json' ? undefined : route.body);
      const res = await route.handler(c, { body, principal, requestId: c.get('requestId') });
      if (opts.observe && route.audit && res.status < 400) {
        const remote = remoteOf(c);
        const params = c.req.param();
        const details = route.audit.details?.({ params, body });
        opts.observe({
          type: 'changed',
          topic: route.audit.topic,
          params,
          ...(details === undefined ? {} : { details }),
          status: res.status,
          principal,
          ...(remote ? { remote } : {}),
        });
      }
      return res;
    });
  }

  app.notFound((c) => {
    const allow = table.methodsFor(c.req.path);
    const requestId = c.get('requestId');
    if (allow.length > 0 && c.req.method === 'OPTIONS') {
      return new Response(null, { status: 204, headers: { allow: [...allow, 'OPTIONS'].join(', ') } });
    }
    if (allow.length > 0) {
      const err = omegaError(
        'OMEGA_ERR_METHOD_NOT_ALLOWED',
        `${c.req.method} is not allowed on ${c.req.path}.`,
        { allow },
      );
      return problemResponse(toProblem(err, { instance: c.req.path, requestId }), {
        allow: allow.join(', '),
      });
    }
    const err = omegaError('OMEGA_ERR_NOT_FOUND', `No route ${c.req.method} ${c.req.path}.`);
    return problemResponse(toProblem(err, { instance: c.req.path, requestId }));
  });

  app.onError((thrown, c) => {
    const err = asOmegaError(thrown);
    const problem = toProblem(err, { instance: c.req.path, requestId: c.get('requestId') });
    if (problem.status >= 500) {
      logger.error({ reqId: c.get('requestId'), err: thrown }, 'request failed');
    }
    const headers: Record<string, string> = {};
    if (problem.code === 'OMEGA_ERR_UNAUTHENTICATED') headers['www-authenticate'] = 'Bearer realm="omega"';
    if (err instanceof OmegaError && typeof err.extras.retryAfterSec === 'number') {
      headers['retry-after'] = String(err.extras.retryAfterSec);
    }
    return problemResponse(problem, headers);
  });

  return app;
}

/**
 * The kernel's HTTP app. Routes come from the route table; when the table changes (a
 * plugin is enabled or disabled) the router is rebuilt on the next request, so plugin
 * routes come and go while the kernel keeps serving.
 */
export function createHttpApp(opts: HttpAppOptions): {
  fetch: (req: Request, env?: unknown) => Promise<Response>;
} {
  let builtFor = opts.table.version;
  let app: Hono<Env> = build(opts);
  return {
    fetch: async (req, env) => {
      if (builtFor !== opts.table.version) {
        app = build(opts);
        builtFor = opts.table.version;
      }
      return app.fetch(req, env as never);
    },
  };
}
