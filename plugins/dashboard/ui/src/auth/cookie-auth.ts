import { API_BASE } from '../api/api-client.js';
import { ApiError, toApiError } from '../api/api-error.js';

/** The sign-in routes that set, rotate and clear the refresh cookie. */
export type CookieAuthPath = '/security/login' | '/security/refresh' | '/security/refresh/logout';

/**
 * Calls a sign-in route with the refresh token in the kernel's HttpOnly cookie (docs/security.md):
 * same-origin credentials so the browser stores and sends the cookie, and the opt-in header the
 * kernel requires before it uses the cookie (a cross-site page cannot send it). Page scripts,
 * this one included, never see the refresh token.
 */
export async function cookieAuth<T>(path: CookieAuthPath, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json', 'x-omega-refresh-cookie': '1' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  let res: Response;
  try {
    res = await fetch(`${API_BASE}${path}`, {
      method: 'POST',
      headers,
      credentials: 'same-origin',
      cache: 'no-store',
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  } catch (err) {
    throw new ApiError(0, 'NETWORK', (err as Error).message || 'network error');
  }
  if (!res.ok) throw await toApiError(res);
  if (res.status === 204) return undefined as T;
  return (await res.json()) as T;
}
