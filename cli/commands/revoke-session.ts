import { ApiError } from '../api-client.js';
import type { CliContext } from '../config/cli-config.js';
import { kernelApi } from '../kernel-api.js';

/**
 * What became of a context's credential in its kernel: `revoked` (the kernel ended the session),
 * `ended` (it had already: 401), `unreachable` (no answer, so it stays valid until its refresh
 * token expires), `token` (an API token, which only its owner or an admin revokes), `admin-token`
 * (the kernel's own, which nothing here revokes), `none`.
 */
export type RevokeOutcome = 'revoked' | 'ended' | 'unreachable' | 'token' | 'admin-token' | 'none';

/**
 * Revokes the session of a context in its kernel (POST /api/v1/security/logout with its refresh
 * token), best effort: the outcome says what happened, nothing throws. The refresh token is the
 * credential, so nothing else is sent (an expiring session is not refreshed only to end it).
 */
export function revokeSession(ctx: CliContext): Promise<RevokeOutcome> {
  if (ctx.auth?.kind !== 'session')
    return Promise.resolve(ctx.auth?.kind === 'token' ? (ctx.auth.admin ? 'admin-token' : 'token') : 'none');
  return kernelApi({ url: ctx.url })
    .post('/api/v1/security/logout', { body: { refreshToken: ctx.auth.refreshToken }, anonymous: true })
    .then(
      () => 'revoked' as const,
      (err: unknown) => (err instanceof ApiError && err.code.includes('TOKEN') ? 'ended' : 'unreachable'),
    );
}
