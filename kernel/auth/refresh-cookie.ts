import type { Context } from 'hono';
import { omegaError } from '../errors/index.js';
import { readHeader } from '../http/node-bindings.js';

/** The cookie a browser keeps its refresh token in (HttpOnly: page scripts never see it). */
export const REFRESH_COOKIE = 'omega_refresh';
/**
 * The request header a browser sends to use the cookie instead of the JSON body: a custom
 * header cannot be sent cross-site without a CORS preflight, which the kernel never grants,
 * so a forged form or link cannot refresh, and the Origin, when sent, must be the kernel's.
 */
export const REFRESH_COOKIE_HEADER = 'x-omega-refresh-cookie';

/**
 * What an auth provider's route does with the cookie: `issue` (sign-in: sets it), `rotate`
 * (refresh: reads it, sets the next one), `revoke` (sign-out: reads it, clears it). The
 * provider's routes are `POST /login`, `POST /refresh` and `POST /refresh/logout` (under the
 * refresh route, where the cookie's Path lets the browser send it).
 */
export type RefreshCookieRole = 'issue' | 'rotate' | 'revoke';

const ROLES: Record<string, RefreshCookieRole> = {
  'POST /login': 'issue',
  'POST /refresh': 'rotate',
  'POST /refresh/logout': 'revoke',
};

/** The cookie role of an auth provider's manifest route, if it has one. */
export function refreshCookieRole(method: string, path: string): RefreshCookieRole | undefined {
  return ROLES[`${method} ${path}`];
}

/** The cookie's Path: the provider's refresh route (so it goes nowhere else). */
export const refreshCookiePath = (plugin: string): string => `/api/v1/${plugin}/refresh`;

/** Reads one cookie from a Cookie header. */
export function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim() || undefined;
  }
  return undefined;
}

/** A Set-Cookie value: HttpOnly, SameSite=Strict, path-scoped; Secure over HTTPS; `value` null clears it. */
export function refreshCookie(value: string | null, path: string, secure: boolean): string {
  const attrs = [`${REFRESH_COOKIE}=${value ?? ''}`, `Path=${path}`, 'HttpOnly', 'SameSite=Strict'];
  if (secure) attrs.push('Secure');
  if (value === null) attrs.push('Max-Age=0');
  return attrs.join('; ');
}

/** True when the request opted into the cookie (the custom header). */
export function wantsRefreshCookie(c: Context): boolean {
  return readHeader(c, REFRESH_COOKIE_HEADER) === '1';
}

/**
 * Throws OMEGA_ERR_FORBIDDEN unless the request opted in with the custom header and, when the
 * browser names an Origin, comes from the kernel's own origin (else: a cross-site request).
 */
export function checkCookieRequest(c: Context): void {
  const origin = readHeader(c, 'origin');
  if (!wantsRefreshCookie(c) || (origin !== undefined && origin !== new URL(c.req.url).origin))
    throw omegaError(
      'OMEGA_ERR_FORBIDDEN',
      `A browser refresh or sign-out (the ${REFRESH_COOKIE} cookie) needs the header "${REFRESH_COOKIE_HEADER}: 1" from the kernel's own origin.`,
    );
}

/**
 * The refresh token from the cookie, for a request whose body carries none, after
 * {@link checkCookieRequest}.
 */
export function refreshTokenFromCookie(c: Context): string | undefined {
  const token = readCookie(readHeader(c, 'cookie'), REFRESH_COOKIE);
  if (token === undefined) return undefined;
  checkCookieRequest(c);
  return token;
}
