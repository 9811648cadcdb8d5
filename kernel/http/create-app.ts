import { type Context, Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { type Authenticator, PUBLIC } from '../auth/index.js';
import {
  type ErrorCode,
  hasErrorCode,
  OmegaError,
  omegaError,
  PROBLEM_CONTENT_TYPE,
  toProblem,
} from '../errors/index.js';
import type { Logger } from '../log/index.js';
import { authorizeKnown, authorizeRequest, type RequestOutcome } from './authorize-request.js';
import { checkBodyDigest } from './check-body-digest.js';
import { CLIENT_CLOSED_STATUS, clientClosed } from './client-closed.js';
import { directDispatch, type RouterEntry } from './direct-dispatch.js';
import { documentedQueryNames } from './documented-query-names.js';
import { checkIdempotencyKey, type Idempotency, requestFingerprint } from './idempotency.js';
import { nodeBindings, readHeader, readRemote } from './node-bindings.js';
import { readJsonBody } from './read-json-body.js';
import { requestIdFrom } from './request-id.js';
import { createRequestLog, type RequestRecord } from './request-log.js';
import { carriesKernelHeaders, type Responder, respond, routeInput } from './respond.js';
import type { RouteInput, RouteSpec } from './route.js';
import type { RouteTable } from './route-table.js';
import { checkQueryNames } from './route-validation/index.js';
import { StaticFirstRouter } from './static-first-router.js';

export type { RequestOutcome } from './authorize-request.js';

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
  /**
   * The access log (see createRequestLog): requests slower than `slowMs` (default 1000) always get
   * a line; successes are summarised every `summaryIntervalMs` (default 60 000; 0: never).
   */
  log?: { slowMs?: number; summaryIntervalMs?: number };
  /** Idempotency-Key handling for mutating requests (none: the header is ignored). */
  idempotency?: Idempotency;
}

/** The kernel's HTTP app: `fetch` for the server, `close` to write the last access-log summary. */
export interface HttpApp {
  fetch: (req: Request, env?: unknown) => Response | Promise<Response>;
  close(): void;
}

const HTTP_STATUS_CODES: Record<number, ErrorCode> = {
  400: 'OMEGA_ERR_BAD_REQUEST',
  401: 'OMEGA_ERR_UNAUTHENTICATED',
  403: 'OMEGA_ERR_FORBIDDEN',
  404: 'OMEGA_ERR_NOT_FOUND',
  413: 'OMEGA_ERR_PAYLOAD_TOO_LARGE',
  415: 'OMEGA_ERR_UNSUPPORTED_MEDIA_TYPE',
};

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

/** The query string of `url` with its `?`, or '' when it has none. */
function queryOf(url: string): string {
  const q = url.indexOf('?');
  return q === -1 ? '' : url.slice(q);
}

/** True when the request carries a body (HTTP/1.1 framing: a non-zero length or chunked). */
function hasBody(c: Context): boolean {
  const length = readHeader(c, 'content-length');
  return length !== undefined ? length !== '0' : readHeader(c, 'transfer-encoding') !== undefined;
}

type Log = ReturnType<typeof createRequestLog>;

/** The headers the kernel puts on every response (see RouteInput.headers). */
function kernelHeaders(requestId: string, stopping: boolean): Record<string, string> {
  return stopping
    ? { 'x-request-id': requestId, 'x-content-type-options': 'nosniff', connection: 'close' }
    : { 'x-request-id': requestId, 'x-content-type-options': 'nosniff' };
}

/** An error as the client sees it: RFC 9457, with the kernel's headers (unknown errors stay internal). */
function errorResponse(
  c: Context,
  thrown: unknown,
  input: Responder,
  extra: Record<string, string> = {},
): Response {
  const err = asOmegaError(thrown);
  const problem = toProblem(err, { instance: c.req.path, requestId: input.headers['x-request-id']! });
  if (problem.code === 'OMEGA_ERR_UNAUTHENTICATED') extra['www-authenticate'] = 'Bearer realm="omega"';
  if (err instanceof OmegaError && typeof err.extras.retryAfterSec === 'number') {
    extra['retry-after'] = String(err.extras.retryAfterSec);
  }
  return respond(input, JSON.stringify(problem), {
    status: problem.status,
    headers: { 'content-type': PROBLEM_CONTENT_TYPE, 'cache-control': 'no-store', ...extra },
  });
}

const MUTATING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * The Idempotency-Key of a mutating request (else undefined), whatever the route's `body`: a
 * kernel route's zod schema is keyed as a plugin route's `json` is (schema routes once ignored
 * the key, so a retried POST /api/v1/events published twice).
 */
function keyOf(c: Context, route: RouteSpec): string | undefined {
  return MUTATING.has(route.method) ? readHeader(c, 'idempotency-key') : undefined;
}

/** The app built from the route table, and its `fetch` (see directDispatch). */
interface Built {
  app: Hono;
  fetch: (req: Request, env?: unknown) => Response | Promise<Response>;
}

function build(opts: HttpAppOptions, log: Log): Built {
  const { table, authenticator, bodyLimitBytes, observe } = opts;
  const router = new StaticFirstRouter<RouterEntry>();
  const app = new Hono({ router });

  /**
   * Every response leaves through here: a response not built with respond() gets the kernel's
   * headers (on Node's response when there is one, so the Response itself is not rebuilt);
   * then the access log counts it, and only a request that gets a line of its own (an error,
   * a slow one, debug) has its record built: a quiet success allocates nothing here.
   */
  const finish = (
    c: Context,
    res: Response,
    input: Responder,
    started: number,
    failure?: unknown,
  ): Response => {
    const { headers } = input;
    if (!carriesKernelHeaders(input, res)) {
      const outgoing = nodeBindings(c)?.outgoing;
      for (const name in headers) {
        if (outgoing) outgoing.setHeader(name, headers[name]!);
        else res.headers.set(name, headers[name]!);
      }
    }
    const { status } = res;
    const ms = performance.now() - started;
    if (!log.count(status, ms)) return res;
    // Built by assignment: a conditional spread here allocated and copied on every request.
    const record: RequestRecord = {
      reqId: headers['x-request-id']!,
      method: c.req.method,
      path: c.req.path,
      status,
      ms,
      remote: () => readRemote(c),
    };
    if (status >= 500 && failure !== undefined) record.err = failure;
    log.line(record);
    return res;
  };

  /** {@link finish} for a request that threw: its problem response (a client that left gets none, logged as 499). */
  const failed = (c: Context, input: Responder, started: number, thrown: unknown): Response =>
    clientClosed(c, thrown)
      ? finish(c, new Response(null, { status: CLIENT_CLOSED_STATUS }), input, started)
      : finish(c, errorResponse(c, thrown, input), input, started, thrown);

  /** Reports an audited change (routes that declare `audit`, on success). */
  const audited = (c: Context, route: RouteSpec, input: RouteInput<unknown>, res: Response): void => {
    if (!observe || !route.audit || res.status >= 400) return;
    const remote = readRemote(c);
    const params = c.req.param();
    const details = route.audit.details?.({ params, body: input.body });
    observe({
      type: 'changed',
      topic: route.audit.topic,
      params,
      ...(details === undefined ? {} : { details }),
      ...(input.audit?.target === undefined ? {} : { target: input.audit.target }),
      ...(input.audit?.plugin === undefined ? {} : { plugin: input.audit.plugin }),
      status: res.status,
      principal: input.principal,
      ...(remote ? { remote } : {}),
    });
  };

  /** Authorization and body first (each may wait), then the route's check, then the handler. */
  const handle = async (
    c: Context,
    route: RouteSpec,
    input: RouteInput<unknown>,
    known: ReadonlySet<string> | undefined,
  ): Promise<Response> => {
    const principal =
      input.principal ??
      (route.permission === PUBLIC ? null : await authorizeRequest(c, route, authenticator, observe));
    // After authentication (401 first), before the body is read or an Idempotency-Key taken.
    if (known) checkQueryNames(c.req.url, () => c.req.query(), known);
    // A signed request's body is read once: for its digest, then (unless the route reads it itself) parsed.
    const signedBody =
      principal?.bodySha256 !== undefined
        ? await checkBodyDigest(c, principal.bodySha256, bodyLimitBytes, route.body === undefined)
        : undefined;
    input.body =
      route.body === undefined || (route.body === 'json' && !hasBody(c))
        ? undefined
        : await readJsonBody(c, bodyLimitBytes, route.body === 'json' ? undefined : route.body, signedBody);
    input.principal = principal;
    route.check?.(c, input);
    const key = keyOf(c, route);
    if (key !== undefined && opts.idempotency) return once(c, route, input, opts.idempotency, key);
    const res = await route.handler(c, input);
    audited(c, route, input, res);
    return res;
  };

  /**
   * A mutating request with an Idempotency-Key: the first with this key (for this principal)
   * runs and its answer is kept (durably, before it is sent); a retry gets that answer again
   * with `Idempotency-Replayed: true`; a duplicate while the first runs is refused (409,
   * Retry-After). The kernel's own OUTCOME_UNKNOWN is kept (a retry must not apply the change
   * twice; its code is handed over, no body is parsed); any other 5xx releases the key.
   */
  const once = async (
    c: Context,
    route: RouteSpec,
    input: RouteInput<unknown>,
    store: Idempotency,
    key: string,
  ): Promise<Response> => {
    const scope = input.principal ? `${input.principal.kind}:${input.principal.id}` : 'anonymous';
    const started = await store.begin(
      scope,
      checkIdempotencyKey(key),
      // The query is part of the request (install ?dryRun=true, then ?consent=…: not one request).
      requestFingerprint(c.req.method, c.req.path + queryOf(c.req.url), input.body),
    );
    if (started.kind === 'replay') {
      const { status, headers, body } = started.response;
      return respond(input, body, { status, headers: { ...headers, 'idempotency-replayed': 'true' } });
    }
    let res: Response;
    try {
      res = await route.handler(c, input);
    } catch (thrown) {
      const err = asOmegaError(thrown);
      await started.complete(errorResponse(c, err, input), hasErrorCode(err) ? err.code : undefined);
      throw thrown;
    }
    await started.complete(res);
    audited(c, route, input, res);
    return res;
  };

  /**
   * One request. A route without a body whose caller is known at once (public, or a cached
   * token) has nothing to wait for before its handler, so the handler runs at once, and a
   * handler that answers synchronously (e.g. /health) is answered synchronously: no promise
   * between the request and the kernel listener's writer (kernel-listener.ts).
   */
  const serve = (
    c: Context,
    route: RouteSpec,
    known: ReadonlySet<string> | undefined,
  ): Response | Promise<Response> => {
    const started = performance.now();
    const requestId = requestIdFrom(readHeader(c, 'x-request-id'));
    const headers = kernelHeaders(requestId, opts.isStopping());
    const input: RouteInput<unknown> = routeInput(requestId, headers);
    if (route.permission !== PUBLIC) {
      try {
        input.principal = authorizeKnown(c, route, authenticator, observe) ?? null;
      } catch (thrown) {
        return failed(c, input, started, thrown);
      }
    }
    const ready =
      route.body === undefined &&
      keyOf(c, route) === undefined &&
      (route.permission === PUBLIC || (input.principal !== null && input.principal.bodySha256 === undefined));
    // Closures only where the answer is a promise: the synchronous path allocates none.
    if (!ready) {
      return handle(c, route, input, known).then(
        (res) => {
          try {
            return finish(c, res, input, started);
          } catch (thrown) {
            return failed(c, input, started, thrown);
          }
        },
        (thrown) => failed(c, input, started, thrown),
      );
    }
    let res: Response | Promise<Response>;
    try {
      if (known) checkQueryNames(c.req.url, () => c.req.query(), known);
      route.check?.(c, input);
      res = route.handler(c, input);
    } catch (thrown) {
      return failed(c, input, started, thrown);
    }
    if (res instanceof Promise) {
      // The app dispatches this promise as it is (direct-dispatch.ts: no hono .catch around it),
      // so what audited() or finish() throws is answered here, as a problem.
      return res.then(
        (r) => {
          try {
            audited(c, route, input, r);
            return finish(c, r, input, started);
          } catch (thrown) {
            return failed(c, input, started, thrown);
          }
        },
        (thrown) => failed(c, input, started, thrown),
      );
    }
    try {
      audited(c, route, input, res);
    } catch (thrown) {
      return failed(c, input, started, thrown);
    }
    return finish(c, res, input, started);
  };

  for (const route of table.list()) {
    const known = documentedQueryNames(route);
    app.on(route.method, route.path, (c) => serve(c, route, known));
  }

  const notFound = (c: Context): Response => {
    const started = performance.now();
    const requestId = requestIdFrom(readHeader(c, 'x-request-id'));
    const input: Responder = { headers: kernelHeaders(requestId, opts.isStopping()) };
    const allow = table.methodsFor(c.req.path);
    if (allow.length > 0 && c.req.method === 'OPTIONS') {
      const res = respond(input, null, { status: 204, headers: { allow: [...allow, 'OPTIONS'].join(', ') } });
      return finish(c, res, input, started);
    }
    const err =
      allow.length > 0
        ? omegaError('OMEGA_ERR_METHOD_NOT_ALLOWED', `${c.req.method} is not allowed on ${c.req.path}.`, {
            allow,
          })
        : omegaError('OMEGA_ERR_NOT_FOUND', `No route ${c.req.method} ${c.req.path}.`);
    const res = errorResponse(c, err, input, allow.length > 0 ? { allow: allow.join(', ') } : {});
    return finish(c, res, input, started);
  };
  app.notFound(notFound);

  // Whatever a route throws synchronously (nothing should: serve catches) still answers as a
  // problem; a promise is dispatched as it is, so serve answers its failures itself.
  const onError = (thrown: unknown, c: Context): Response => {
    const input: Responder = { headers: kernelHeaders(requestIdFrom(undefined), opts.isStopping()) };
    return finish(c, errorResponse(c, thrown, input), input, performance.now(), thrown);
  };
  app.onError(onError);

  return { app, fetch: directDispatch({ app, router, notFound, onError }) };
}

/**
 * The kernel's HTTP app. Routes come from the route table; when the table changes (a
 * plugin is enabled or disabled) the router is rebuilt on the next request, so plugin
 * routes come and go while the kernel keeps serving. Each request is one route handler
 * (no middleware chain): request id, authorization, body, handler, then the kernel's
 * response headers and the access log (see createRequestLog for what gets a line).
 */
export function createHttpApp(opts: HttpAppOptions): HttpApp {
  const log = createRequestLog({
    logger: opts.logger,
    slowMs: opts.log?.slowMs ?? 1000,
    summaryIntervalMs: opts.log?.summaryIntervalMs ?? 60_000,
  });
  let builtFor = opts.table.version;
  let built = build(opts, log);
  return {
    fetch: (req, env) => {
      if (builtFor !== opts.table.version) {
        built = build(opts, log);
        builtFor = opts.table.version;
      }
      return built.fetch(req, env);
    },
    close: () => log.close(),
  };
}
