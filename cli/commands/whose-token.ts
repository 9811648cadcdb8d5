import { ApiError } from '../api-client.js';
import { kernelApi } from '../kernel-api.js';

/**
 * Whose a bearer token is: a user's (named), a user's that may not say whose (a token scoped
 * without security:self), or the kernel's static admin token (OMEGA_ADMIN_TOKEN, or the data
 * dir's admin-token file while no auth provider runs), which is no user.
 */
export type TokenOwner = { kind: 'user'; name: string } | { kind: 'unknown' } | { kind: 'admin' };

/**
 * Asks the kernel at `url` whose `token` is (GET /api/v1/security/me). Throws the kernel's refusal
 * of a token it does not accept, as one line naming the token.
 */
export async function whoseToken(url: string, token: string): Promise<TokenOwner> {
  const api = kernelApi({ url, token });
  const me = (await api.get('/api/v1/security/me').catch(async (err: unknown) => {
    // 403: the kernel knew the token and refused this one route (a token scoped to, say,
    // nodes:read lacks security:self), so the token is good; only whose it is stays unknown.
    // Only the kernel's own refusal proves that, not a proxy's bare 403 (review).
    if (err instanceof ApiError && err.httpStatus === 403 && err.problem.code === 'OMEGA_ERR_FORBIDDEN')
      return 'unknown' as const;
    // The kernel's 404: the caller is no user (the static admin token), or no security plugin
    // serves the route (the admin-token file is then the only way in), and the route proved
    // nothing about the token. A route of the kernel's own does: a refusal there is one line
    // naming the token (the admin token has every permission).
    if (err instanceof ApiError && err.httpStatus === 404 && err.problem.code === 'OMEGA_ERR_NOT_FOUND') {
      await api.get('/api/v1/kernel');
      return 'admin' as const;
    }
    throw err instanceof ApiError && err.code.includes('TOKEN')
      ? new ApiError(
          `that token is not valid for ${url}; create one with omega login then POST /api/v1/security/me/tokens`,
          err.code,
        )
      : err;
  })) as { username?: string; id?: string } | 'unknown' | 'admin';
  if (me === 'unknown' || me === 'admin') return { kind: me };
  return { kind: 'user', name: me.username ?? me.id ?? 'token' };
}
