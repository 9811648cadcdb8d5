import { isoTime } from '@omega/sdk';
import { createApiToken, getApiToken, listApiTokens, revokeApiToken } from '../api-tokens.js';
import { type Ctx, callerOf, type Req, type RouteReq } from '../context.js';
import { noContent, ok, refuse } from '../http.js';
import { resolveRoles } from '../roles.js';
import { revokeUserSessions } from '../sessions.js';
import type { State } from '../state.js';
import { checkPassword, getUser, patchUser, type User, viewUser } from '../users.js';
import { keyParam, objectBody, onlyFields, optInt, optStrings, PERMISSION_RE, str } from '../validate.js';

/** The calling user (404 when the caller is not a user, e.g. the static admin token). */
async function me(req: Pick<Req, 'caller'>, ctx: Ctx): Promise<User> {
  const caller = callerOf(req);
  const user = await getUser(ctx, caller.id);
  if (!user) refuse(404, 'OMEGA_ERR_NOT_FOUND', 'The caller is not a user of the security plugin.');
  return user;
}

/** `GET /me`: who I am and what I may do. */
export async function whoAmI(req: RouteReq<'whoAmI'>, ctx: Ctx) {
  const user = await me(req, ctx);
  return ok({ ...viewUser(user), ...(await resolveRoles(ctx, user.roles)) });
}

/** `PUT /me/password`: needs the current password; revokes every session of the user. */
export async function changePassword(req: RouteReq<'changePassword'>, ctx: Ctx, s: State) {
  const user = await me(req, ctx);
  const b = objectBody(req.body);
  onlyFields(b, ['currentPassword', 'newPassword']);
  const current = str(b, 'currentPassword', 1024);
  const next = str(b, 'newPassword', 1024);
  if (!(await ctx.crypto.verifyPassword(current, user.passwordHash))) {
    await s.audit.append({
      actor: user.id,
      action: 'user.password',
      outcome: 'failure',
      target: user.id,
      source: callerOf(req).source,
      details: { reason: 'wrong current password' },
    });
    refuse(403, 'OMEGA_ERR_FORBIDDEN', 'The current password is wrong.');
  }
  checkPassword(next, user.username);
  const passwordHash = await ctx.crypto.hashPassword(next);
  await patchUser(ctx, user.id, (now) => ({ ...now, passwordHash, passwordChangedAt: isoTime(Date.now()) }));
  const revoked = await revokeUserSessions(ctx, user.id, 'password changed');
  await s.audit.append({
    actor: user.id,
    action: 'user.password',
    outcome: 'success',
    target: user.id,
    source: callerOf(req).source,
    details: { sessionsRevoked: revoked },
  });
  return noContent();
}

/** `POST /me/logout-all`: revokes every session of the caller. */
export async function logoutAll(req: RouteReq<'logoutAll'>, ctx: Ctx, s: State) {
  const user = await me(req, ctx);
  const revoked = await revokeUserSessions(ctx, user.id, 'logout everywhere');
  await s.audit.append({
    actor: user.id,
    action: 'auth.logout-all',
    outcome: 'success',
    target: user.id,
    details: { revoked },
  });
  return noContent();
}

/** `GET /me/tokens`: the caller's API tokens (never their secrets). */
export async function myTokens(req: RouteReq<'myTokens'>, ctx: Ctx) {
  return ok({ items: await listApiTokens(ctx, (await me(req, ctx)).id) });
}

/** `POST /me/tokens`: a named, scoped, expiring API token, shown once. */
export async function createMyToken(req: RouteReq<'createMyToken'>, ctx: Ctx, s: State) {
  const user = await me(req, ctx);
  if (callerOf(req).kind !== 'user')
    refuse(403, 'OMEGA_ERR_FORBIDDEN', 'API tokens are created from a sign-in, not by other tokens.');
  const b = objectBody(req.body);
  onlyFields(b, ['name', 'scopes', 'expiresInDays']);
  const name = str(b, 'name', 100);
  const scopes = optStrings(b, 'scopes', PERMISSION_RE) ?? [];
  if (scopes.length === 0) {
    refuse(400, 'OMEGA_ERR_VALIDATION', 'Invalid body: scopes: at least one permission.', {
      errors: [{ field: 'scopes', message: 'at least one permission' }],
    });
  }
  const expiresInDays = optInt(b, 'expiresInDays', 1, 366) ?? 30;
  const { token, info } = await createApiToken(ctx, user, { name, scopes, expiresInDays });
  await s.audit.append({
    actor: user.id,
    action: 'token.create',
    outcome: 'success',
    target: info.id,
    details: { name, scopes },
  });
  return ok({ ...info, token }, 201);
}

/** `DELETE /me/tokens/:id`: revokes one of the caller's API tokens. */
export async function revokeMyToken(req: RouteReq<'revokeMyToken'>, ctx: Ctx, s: State) {
  const user = await me(req, ctx);
  const t = await getApiToken(ctx, keyParam(req.params, 'id'));
  if (!t || t.userId !== user.id) refuse(404, 'OMEGA_ERR_NOT_FOUND', 'No such token of yours.');
  if (await revokeApiToken(ctx, t))
    await s.audit.append({ actor: user.id, action: 'token.revoke', outcome: 'success', target: t.id });
  return noContent();
}
