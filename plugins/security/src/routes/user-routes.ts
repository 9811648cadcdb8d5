import { isoTime } from '@omega/sdk';
import { type Ctx, callerOf, type RouteReq } from '../context.js';
import { noContent, ok, refuse } from '../http.js';
import { changeKeepingAnAdmin, oneAdminChangeAtATime, requireAnAdminAfter } from '../keep-an-admin.js';
import { revokeUserSessions } from '../sessions.js';
import type { State } from '../state.js';
import {
  checkPassword,
  checkRoles,
  createUser,
  deleteUser,
  findUserByName,
  getUser,
  listUsers,
  patchUser,
  type User,
  viewUser,
} from '../users.js';
import {
  keyParam,
  objectBody,
  onlyFields,
  optBool,
  optStr,
  optStrings,
  ROLE_RE,
  str,
  USERNAME_RE,
} from '../validate.js';
import { auditSuccess } from './audit-success.js';

const audit = auditSuccess;

async function found(ctx: Ctx, id: string | undefined): Promise<User> {
  const user = id ? await getUser(ctx, id) : undefined;
  if (!user) refuse(404, 'OMEGA_ERR_NOT_FOUND', `No user "${String(id).slice(0, 64)}".`);
  return user;
}

/** `GET /users?limit&cursor`, or `?username=` for the one user with that name (a client resolving a name). */
export async function listUsersRoute(req: RouteReq<'listUsersRoute'>, ctx: Ctx) {
  const { username } = req.query;
  if (username !== undefined) {
    if (req.query.cursor !== undefined)
      refuse(400, 'OMEGA_ERR_VALIDATION', 'Invalid query: give username or cursor, not both', {
        errors: [{ field: 'cursor', message: 'is not taken with username (one user, one page)' }],
      });
    const user = await findUserByName(ctx, username);
    return ok({ items: user ? [viewUser(user)] : [] });
  }
  const limit = Number(req.query.limit ?? 100);
  if (!Number.isInteger(limit) || limit < 1 || limit > 1000) {
    refuse(400, 'OMEGA_ERR_VALIDATION', 'Invalid query: limit: an integer 1–1000', {
      errors: [{ field: 'limit', message: 'an integer 1–1000' }],
    });
  }
  return ok(await listUsers(ctx, limit, req.query.cursor));
}

/** `POST /users` {username, password, roles}. */
export async function createUserRoute(req: RouteReq<'createUserRoute'>, ctx: Ctx, s: State) {
  const b = objectBody(req.body);
  onlyFields(b, ['username', 'password', 'roles']);
  const user = await createUser(ctx, {
    username: str(b, 'username', 64, USERNAME_RE),
    password: str(b, 'password', 1024),
    roles: optStrings(b, 'roles', ROLE_RE, 32) ?? ['viewer'],
  });
  await audit(s, req, 'user.create', user.id, { username: user.username, roles: user.roles });
  return ok(viewUser(user), 201);
}

/** `GET /users/:id`. */
export async function getUserRoute(req: RouteReq<'getUserRoute'>, ctx: Ctx) {
  return ok(viewUser(await found(ctx, keyParam(req.params, 'id'))));
}

/**
 * `PATCH /users/:id` {roles?, disabled?, password?}. A change of roles, password or status
 * revokes the user's sessions, so the permissions in outstanding access tokens never outlive it.
 */
export async function updateUserRoute(req: RouteReq<'updateUserRoute'>, ctx: Ctx, s: State) {
  const user = await found(ctx, keyParam(req.params, 'id'));
  const b = objectBody(req.body);
  onlyFields(b, ['roles', 'disabled', 'password']);
  const roles = optStrings(b, 'roles', ROLE_RE, 32);
  const disabled = optBool(b, 'disabled');
  const password = optStr(b, 'password', 1024);
  if (roles) await checkRoles(ctx, roles);
  if (password !== undefined) checkPassword(password, user.username);
  if (user.id === callerOf(req).id && (disabled === true || (roles && !roles.includes('admin')))) {
    refuse(409, 'OMEGA_ERR_CONFLICT', 'You cannot disable yourself or remove your own admin role.');
  }
  // Hashed before the write: a slow hash must not hold other administrators' changes up.
  const hash = password !== undefined ? await ctx.crypto.hashPassword(password) : undefined;
  const demotes = roles !== undefined || disabled === true;
  const patch = async (now: User): Promise<User> => {
    const next: User = { ...now };
    if (roles) next.roles = roles;
    if (disabled !== undefined) next.disabled = disabled;
    if (hash !== undefined) {
      next.passwordHash = hash;
      next.passwordChangedAt = isoTime(Date.now());
    }
    if (demotes) await requireAnAdminAfter(ctx, { users: { [now.id]: next } }, `Changing ${now.username}`);
    return next;
  };
  const next = demotes
    ? await oneAdminChangeAtATime(() => patchUser(ctx, user.id, patch))
    : await patchUser(ctx, user.id, patch);
  if (!next) refuse(404, 'OMEGA_ERR_NOT_FOUND', 'No such user (deleted meanwhile).');
  const revoked = await revokeUserSessions(ctx, user.id, 'user changed by an administrator');
  await audit(s, req, 'user.update', user.id, {
    ...(roles ? { roles } : {}),
    ...(disabled !== undefined ? { disabled } : {}),
    ...(password !== undefined ? { password: 'changed' } : {}),
    sessionsRevoked: revoked,
  });
  return ok(viewUser(next));
}

/** `DELETE /users/:id`. */
export async function deleteUserRoute(req: RouteReq<'deleteUserRoute'>, ctx: Ctx, s: State) {
  const user = await found(ctx, keyParam(req.params, 'id'));
  if (user.id === callerOf(req).id) refuse(409, 'OMEGA_ERR_CONFLICT', 'You cannot delete yourself.');
  await changeKeepingAnAdmin(ctx, { users: { [user.id]: null } }, `Deleting ${user.username}`, () =>
    deleteUser(ctx, user.id),
  );
  await revokeUserSessions(ctx, user.id, 'user deleted');
  await audit(s, req, 'user.delete', user.id, { username: user.username });
  return noContent();
}
