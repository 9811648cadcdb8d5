import type { Ctx, RouteReq } from '../context.js';
import { noContent, ok, refuse } from '../http.js';
import { changeKeepingAnAdmin } from '../keep-an-admin.js';
import { BUILT_IN_ROLES, deleteRole, findRole, listRoles, type Role, saveRole } from '../roles.js';
import { revokeUserSessions } from '../sessions.js';
import type { State } from '../state.js';
import { stripRole, type User } from '../users.js';
import {
  keyParam,
  objectBody,
  onlyFields,
  optStr,
  optStrings,
  PERMISSION_RE,
  ROLE_RE,
  str,
} from '../validate.js';
import { auditSuccess } from './audit-success.js';

const audit = auditSuccess;
/** At most this many user ids in an audit entry (details past 4 KiB are replaced by their size). */
const IDS_AUDITED = 100;

/** Revokes the sessions of every user holding `role` (its permissions changed). */
async function revokeHolders(ctx: Ctx, role: string): Promise<number> {
  let n = 0;
  let cursor: string | undefined;
  do {
    const page = await ctx.storage.list<User>('users', { limit: 1000, ...(cursor ? { cursor } : {}) });
    for (const r of page.items) {
      if (r.value.roles.includes(role)) {
        await revokeUserSessions(ctx, r.id, `role ${role} changed`);
        n++;
      }
    }
    cursor = page.nextCursor;
  } while (cursor);
  return n;
}

/** 400 naming `name` when it is a built-in role: those are fixed (`what`: changed, deleted). */
function refuseBuiltIn(name: string, what: string): void {
  if (!Object.hasOwn(BUILT_IN_ROLES, name)) return;
  const message = `${name} is a built-in role and cannot be ${what}; only custom roles can`;
  refuse(400, 'OMEGA_ERR_VALIDATION', `Invalid path parameter: name: ${message}.`, {
    errors: [{ field: 'name', message }],
  });
}

function readRole(body: unknown, name: string): Role {
  const b = objectBody(body);
  onlyFields(b, ['name', 'description', 'permissions', 'denied']);
  return {
    name,
    description: optStr(b, 'description', 200) ?? '',
    permissions: optStrings(b, 'permissions', PERMISSION_RE, 256) ?? [],
    denied: optStrings(b, 'denied', PERMISSION_RE, 256) ?? [],
    builtIn: false,
  };
}

/** `GET /roles`: built-in and custom roles. */
export async function listRolesRoute(_req: RouteReq<'listRolesRoute'>, ctx: Ctx) {
  return ok({ items: await listRoles(ctx) });
}

/** `POST /roles` {name, description?, permissions, denied?}. */
export async function createRoleRoute(req: RouteReq<'createRoleRoute'>, ctx: Ctx, s: State) {
  const name = str(objectBody(req.body), 'name', 40, ROLE_RE);
  if (await findRole(ctx, name)) refuse(409, 'OMEGA_ERR_ALREADY_EXISTS', `The role "${name}" exists.`);
  const role = readRole(req.body, name);
  // A user may still carry the name of an earlier role of that name (deleted before deletion took
  // it off its holders, or assigned while a deletion ran): it must not grant them the new role.
  const leftovers = await stripRole(ctx, name);
  await saveRole(ctx, role);
  await audit(s, req, 'role.create', name, {
    permissions: role.permissions,
    denied: role.denied,
    ...(leftovers.length > 0 ? { removedFrom: leftovers.slice(0, IDS_AUDITED) } : {}),
  });
  return ok(role, 201);
}

/** `PUT /roles/:name`: replaces a custom role; its holders' sessions are revoked. */
export async function updateRoleRoute(req: RouteReq<'updateRoleRoute'>, ctx: Ctx, s: State) {
  const name = keyParam(req.params, 'name');
  refuseBuiltIn(name, 'changed');
  if (!(await findRole(ctx, name))) refuse(404, 'OMEGA_ERR_NOT_FOUND', `No role "${name.slice(0, 40)}".`);
  const role = readRole(req.body, name);
  await changeKeepingAnAdmin(ctx, { roles: { [name]: role } }, `Changing role ${name}`, () =>
    saveRole(ctx, role),
  );
  const holders = await revokeHolders(ctx, name);
  await audit(s, req, 'role.update', name, { permissions: role.permissions, denied: role.denied, holders });
  return ok(role);
}

/**
 * `DELETE /roles/:name`: takes the role off every holder, revoking their sessions (their access
 * tokens carry its permissions; their API tokens re-resolve without it), then deletes it. Nothing
 * keeps the name, so a new role of that name grants nobody anything. Holders first, each revoked
 * before the role comes off them: a retry after a failure part way finds the role, and every
 * holder not yet done, and finishes.
 */
export async function deleteRoleRoute(req: RouteReq<'deleteRoleRoute'>, ctx: Ctx, s: State) {
  const name = keyParam(req.params, 'name');
  refuseBuiltIn(name, 'deleted');
  if (!(await findRole(ctx, name))) refuse(404, 'OMEGA_ERR_NOT_FOUND', `No role "${name.slice(0, 40)}".`);
  const holders = await changeKeepingAnAdmin(
    ctx,
    { roles: { [name]: null } },
    `Deleting role ${name}`,
    async () => {
      const stripped = await stripRole(ctx, name, (id) =>
        revokeUserSessions(ctx, id, `role ${name} deleted`),
      );
      await deleteRole(ctx, name);
      return stripped;
    },
  );
  await audit(s, req, 'role.delete', name, {
    holders: holders.length,
    removedFrom: holders.slice(0, IDS_AUDITED),
  });
  return noContent();
}
