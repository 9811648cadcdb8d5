import { consumeBootstrapSecret } from '../bootstrap.js';
import { type Ctx, callerOf, type RouteReq } from '../context.js';
import { noContent, ok, refuse } from '../http.js';
import { checkRefresh, revokeSession, rotate, startSession } from '../sessions.js';
import type { State } from '../state.js';
import { anyUser, checkPassword, createUser, findUserByName, getUser, viewUser } from '../users.js';
import { objectBody, onlyFields, str, USERNAME_RE } from '../validate.js';

const WRONG = 'Wrong username or password.';

/**
 * `POST /login`. Per-source rate limit, per-username lockout with back-off (for unknown
 * usernames too), and the same scrypt work whether or not the user exists, so neither the
 * answer nor its timing tells them apart. Every attempt is audited with its source address.
 */
export async function login(req: RouteReq<'login'>, ctx: Ctx, s: State) {
  const { audit, limiter, dummyHash } = s;
  const source = callerOf(req).source;
  const b = objectBody(req.body);
  const username = str(b, 'username', 128);
  const password = str(b, 'password', 1024);
  const record = (outcome: 'success' | 'failure' | 'denied', actor: string, reason: string) =>
    audit.append({ actor, action: 'auth.login', outcome, target: username, source, details: { reason } });

  const wait = limiter.hitSource(source);
  if (wait > 0) {
    await record('denied', 'anonymous', 'source rate limit');
    refuse(429, 'OMEGA_ERR_RATE_LIMITED', 'Too many sign-in attempts from this address.', {
      retryAfterSec: wait,
    });
  }
  const user = await findUserByName(ctx, username);
  const matches = await ctx.crypto.verifyPassword(password, user?.passwordHash ?? dummyHash);
  const locked = limiter.lockedFor(username);
  if (locked > 0) {
    await record('denied', user?.id ?? 'anonymous', 'account locked');
    refuse(429, 'OMEGA_ERR_RATE_LIMITED', 'This account is temporarily locked after failed sign-ins.', {
      retryAfterSec: locked,
    });
  }
  if (!user || !matches || user.disabled) {
    limiter.fail(username);
    await record(
      'failure',
      user?.id ?? 'anonymous',
      !user ? 'unknown user' : user.disabled ? 'disabled' : 'wrong password',
    );
    refuse(401, 'OMEGA_ERR_UNAUTHENTICATED', WRONG);
  }
  limiter.succeed(username);
  const tokens = await startSession(ctx, user);
  await record('success', user.id, 'password');
  return ok({ ...tokens, user: viewUser(user) });
}

/** `POST /refresh`: rotates the refresh token; presenting an old one revokes the whole family. */
export async function refresh(req: RouteReq<'refresh'>, ctx: Ctx, s: State) {
  const { audit } = s;
  const source = callerOf(req).source;
  const b = objectBody(req.body);
  const check = await checkRefresh(ctx, b.refreshToken);
  if (check.kind === 'current') {
    const user = await getUser(ctx, check.session.userId);
    if (!user || user.disabled) refuse(401, 'OMEGA_ERR_TOKEN_INVALID', 'The refresh token is not valid.');
    return ok(await rotate(ctx, check.session, check.version, user));
  }
  if (check.kind === 'reused') {
    await revokeSession(ctx, check.session, 'refresh token reuse');
    await audit.append({
      actor: check.session.userId,
      action: 'token.reuse',
      outcome: 'denied',
      target: check.session.id,
      source,
      details: { reason: 'an already rotated refresh token was presented; the family is revoked' },
    });
  } else if (check.kind === 'revoked') {
    await audit.append({
      actor: check.session.userId,
      action: 'token.misuse',
      outcome: 'denied',
      target: check.session.id,
      source,
      details: { reason: 'refresh token of a revoked session' },
    });
  }
  return refuse(401, 'OMEGA_ERR_TOKEN_INVALID', 'The refresh token is not valid; sign in again.');
}

/** `POST /logout`: revokes the session of the given refresh token (and its access tokens). */
export async function logout(req: RouteReq<'logout'>, ctx: Ctx, s: State) {
  const b = objectBody(req.body);
  const check = await checkRefresh(ctx, b.refreshToken);
  if (check.kind === 'invalid') refuse(401, 'OMEGA_ERR_TOKEN_INVALID', 'The refresh token is not valid.');
  await revokeSession(ctx, check.session, 'logout');
  await s.audit.append({
    actor: check.session.userId,
    action: 'auth.logout',
    outcome: 'success',
    target: check.session.id,
    source: callerOf(req).source,
  });
  return noContent();
}

/** `POST /bootstrap`: the one-time secret creates the first admin; refused once any user exists. */
export async function bootstrap(req: RouteReq<'bootstrap'>, ctx: Ctx, s: State) {
  const b = objectBody(req.body);
  onlyFields(b, ['secret', 'username', 'password']);
  const secret = str(b, 'secret', 256);
  const username = str(b, 'username', 64, USERNAME_RE);
  const password = str(b, 'password', 1024);
  const source = callerOf(req).source;
  checkPassword(password, username);
  if ((await anyUser(ctx)) || !(await consumeBootstrapSecret(ctx, secret))) {
    await s.audit.append({ actor: 'anonymous', action: 'auth.bootstrap', outcome: 'denied', source });
    refuse(403, 'OMEGA_ERR_FORBIDDEN', 'The bootstrap secret is not valid, already used, or users exist.');
  }
  const user = await createUser(ctx, { username, password, roles: ['admin'] });
  await s.audit.append({
    actor: user.id,
    action: 'auth.bootstrap',
    outcome: 'success',
    target: user.id,
    source,
  });
  return ok(viewUser(user), 201);
}
