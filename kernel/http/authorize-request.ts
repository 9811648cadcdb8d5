import type { Context } from 'hono';
import {
  type Authenticator,
  bearerFrom,
  type Credentials,
  hasPermission,
  type Principal,
  PUBLIC,
} from '../auth/index.js';
import { hasErrorCode, omegaError } from '../errors/index.js';
import { readAllHeaders, readHeader, readLoneAuthorization, readRemote } from './node-bindings.js';
import type { RouteSpec } from './route.js';

/** What the HTTP app reports for the audit trail (see HttpAppOptions.observe). */
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
      /** What the change was done to, when the handler found out (e.g. `greet@1.2.0` for an install). */
      target?: string;
      /** The plugin it concerns, when the path does not name it. */
      plugin?: string;
      status: number;
      principal: Principal | null;
      remote?: string;
    };

const NO_HEADERS: Record<string, string> = Object.freeze({}) as Record<string, string>;

function signedCredentials(c: Context, bearer: string | undefined, remote: string | undefined): Credentials {
  const url = new URL(c.req.url);
  return {
    ...(bearer ? { bearer } : {}),
    headers: readAllHeaders(c),
    method: c.req.method,
    url: url.pathname + url.search,
    ...(remote ? { remote } : {}),
  };
}

/** Throws 403 (and tells `observe`) unless `principal` holds the route's permission. */
function checkPermission(
  c: Context,
  route: RouteSpec,
  principal: Principal,
  observe?: (outcome: RequestOutcome) => void,
): Principal {
  if (hasPermission(principal, route.permission)) return principal;
  const remote = readRemote(c);
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

/**
 * The caller of a non-public route when the authenticator already knows its bearer token
 * (a cached decision, see Authenticator.peek), checked against the route's permission (throws
 * 403); undefined when that takes {@link authorizeRequest} (also for a signed request and a
 * repeated Authorization, see readLoneAuthorization). The header's token is looked up as sent,
 * before the format check: only a token that passed it can be known. A cached token is found from
 * the header value itself (Authenticator.known: no substring, no credentials object).
 */
export function authorizeKnown(
  c: Context,
  route: RouteSpec,
  authenticator: Authenticator,
  observe?: (outcome: RequestOutcome) => void,
): Principal | undefined {
  if (!authenticator.peek) return undefined;
  const header = readLoneAuthorization(c);
  if (header === undefined || !header.startsWith('Bearer ')) return undefined;
  const known =
    authenticator.known?.(header) ?? authenticator.peek({ bearer: header.slice(7), headers: NO_HEADERS });
  return known ? checkPermission(c, route, known, observe) : undefined;
}

/**
 * Authenticates the caller of a non-public route and checks the route's permission: null for
 * a public route, the principal otherwise; throws 401/403 (coded) and tells `observe` about
 * refused credentials and denials. A bearer token needs nothing but its header; only a signed
 * request reads every header, the method and the URL.
 */
export async function authorizeRequest(
  c: Context,
  route: RouteSpec,
  authenticator: Authenticator,
  observe?: (outcome: RequestOutcome) => void,
): Promise<Principal | null> {
  if (route.permission === PUBLIC) return null;
  const authorization = readHeader(c, 'authorization');
  const bearer = bearerFrom(authorization);
  const signed = readHeader(c, 'x-omega-signature') !== undefined;
  const failed = (code: string, reason?: string) => {
    const remote = readRemote(c);
    observe?.({
      type: 'authn-failed',
      method: c.req.method,
      path: c.req.path,
      code,
      ...(remote ? { remote } : {}),
      ...(reason ? { reason } : {}),
    });
  };
  let principal: Principal | null = null;
  if (bearer || signed) {
    try {
      principal = await authenticator.authenticate(
        signed ? signedCredentials(c, bearer, readRemote(c)) : { bearer, headers: NO_HEADERS },
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
      bearer
        ? 'The bearer token is not valid (expired, revoked or unknown): sign in again (omega login, or POST /api/v1/security/login) or use a current API token.'
        : authorization?.includes(',')
          ? 'The request carries more than one Authorization header (or several credentials in one): send exactly one, Authorization: Bearer <token>.'
          : 'This route needs a bearer token: send Authorization: Bearer <token> with an access token from omega login (or POST /api/v1/security/login), an API token (omg_…), or the operator token the kernel was started with (OMEGA_ADMIN_TOKEN), if any.',
    );
  }
  return checkPermission(c, route, principal, observe);
}
