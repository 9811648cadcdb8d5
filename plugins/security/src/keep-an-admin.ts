import type { Ctx } from './context.js';
import { refuse } from './http.js';
import { allows } from './permission-covers.js';
import { listRoles, type Role } from './roles.js';
import { listUsers, type UserView } from './users.js';

/** The permission that administers users and roles: someone active must keep it. */
const ADMIN = 'security:admin';

/** A change of users and roles as it will be: by user id or role name, the new value, or null (deleted). */
export interface AdminChange {
  users?: Readonly<Record<string, Pick<UserView, 'roles' | 'disabled'> | null>>;
  roles?: Readonly<Record<string, Role | null>>;
}

/**
 * Whether an active user holds security:admin now, and after `change`. Stops at the first
 * administrator after it (then the answer before does not matter).
 */
async function admins(ctx: Ctx, change: AdminChange): Promise<{ before: boolean; after: boolean }> {
  const now = new Map((await listRoles(ctx)).map((r) => [r.name, r]));
  const next = new Map(now);
  for (const [name, role] of Object.entries(change.roles ?? {})) {
    if (role) next.set(name, role);
    else next.delete(name);
  }
  const administers = (roles: ReadonlyMap<string, Role>, u: Pick<UserView, 'roles' | 'disabled'> | null) => {
    if (!u || u.disabled) return false;
    const held = u.roles.flatMap((n) => roles.get(n) ?? []);
    return allows(
      { permissions: held.flatMap((r) => r.permissions), denied: held.flatMap((r) => r.denied) },
      ADMIN,
    );
  };
  let before = false;
  let cursor: string | undefined;
  do {
    const page = await listUsers(ctx, 1000, cursor);
    for (const u of page.items) {
      const after = change.users && Object.hasOwn(change.users, u.id) ? (change.users[u.id] ?? null) : u;
      if (administers(next, after)) return { before: true, after: true };
      before ||= administers(now, u);
    }
    cursor = page.nextCursor;
  } while (cursor);
  return { before, after: false };
}

/** The tail of the admin-affecting changes in flight: each waits for the one before it. */
let queue: Promise<unknown> = Promise.resolve();

/**
 * Runs `change` (which checks with {@link requireAnAdminAfter}, then writes) after every such
 * change before it has ended: two administrators demoting each other at once were each checked
 * against what was stored before either wrote, and both passed. This plugin is the only writer
 * of users and roles, so one queue in it covers every writer.
 */
export function oneAdminChangeAtATime<T>(change: () => Promise<T>): Promise<T> {
  const run = queue.then(change);
  queue = run.catch(() => undefined);
  return run;
}

/**
 * Refuses (409) a change after which no active user may administer security, when one could
 * before: a holder of a custom `*` role demoted every admin and deleted its own role, and no user
 * could manage users or roles again (walk; only the kernel's static admin token got back in).
 * Bootstrap needs zero users and break-glass a quarantined plugin, so nothing else would. A
 * cluster with no administrator yet (users made with the static admin token) is left as it is.
 * `what` names the change. Call it inside {@link oneAdminChangeAtATime}, with the write.
 */
export async function requireAnAdminAfter(ctx: Ctx, change: AdminChange, what: string): Promise<void> {
  const { before, after } = await admins(ctx, change);
  if (after || !before) return;
  refuse(
    409,
    'OMEGA_ERR_CONFLICT',
    `${what} would leave no active user who may administer security (${ADMIN}); give another user the admin role first.`,
  );
}

/** {@link requireAnAdminAfter} `change`, then `write` it, one such change at a time. */
export function changeKeepingAnAdmin<T>(
  ctx: Ctx,
  change: AdminChange,
  what: string,
  write: () => Promise<T>,
): Promise<T> {
  return oneAdminChangeAtATime(async () => {
    await requireAnAdminAfter(ctx, change, what);
    return write();
  });
}
