import type { Ctx } from './context.js';
import type { PermissionSet } from './permission-covers.js';

/** A role: a named set of permissions and explicit denials. */
export interface Role {
  name: string;
  description: string;
  permissions: string[];
  denied: string[];
  builtIn: boolean;
}

/**
 * The built-in roles. `admin` may do everything. `operator` reads and writes everything but
 * security data (users, roles, audit), which it may not even read; it manages its own
 * password and tokens. `viewer` reads everything but security data.
 */
export const BUILT_IN_ROLES: Readonly<Record<string, Role>> = Object.freeze({
  admin: {
    name: 'admin',
    description: 'Everything, including users, roles, plugins and the audit trail',
    permissions: ['*'],
    denied: [],
    builtIn: true,
  },
  operator: {
    name: 'operator',
    description: 'Read and change the cluster (nodes, sessions, events); no security administration',
    permissions: ['*:read', '*:write', 'events:subscribe', 'events:publish', 'security:self'],
    denied: ['security:read', 'security:write', 'security:admin'],
    builtIn: true,
  },
  viewer: {
    name: 'viewer',
    description: 'Read the cluster; no changes, no security data',
    permissions: ['*:read', 'events:subscribe', 'security:self'],
    denied: ['security:read', 'security:write', 'security:admin'],
    builtIn: true,
  },
});

const ROLES = 'roles';

/** A role by name: built-in or custom (stored). */
export async function findRole(ctx: Ctx, name: string): Promise<Role | undefined> {
  if (Object.hasOwn(BUILT_IN_ROLES, name)) return BUILT_IN_ROLES[name];
  return (await ctx.storage.get<Role>(ROLES, name))?.value;
}

/** Every role, built-in first. */
export async function listRoles(ctx: Ctx): Promise<Role[]> {
  const out = Object.values(BUILT_IN_ROLES);
  let cursor: string | undefined;
  do {
    const page = await ctx.storage.list<Role>(ROLES, cursor ? { cursor, limit: 1000 } : { limit: 1000 });
    out.push(...page.items.map((r) => r.value));
    cursor = page.nextCursor;
  } while (cursor);
  return out;
}

/** Stores a custom role. */
export async function saveRole(ctx: Ctx, role: Role): Promise<void> {
  await ctx.storage.set(ROLES, role.name, role);
}

/** Deletes a custom role; false when absent. */
export async function deleteRole(ctx: Ctx, name: string): Promise<boolean> {
  return ctx.storage.delete(ROLES, name);
}

/** The union of the roles' permissions and denials (unknown roles grant nothing). */
export async function resolveRoles(ctx: Ctx, names: readonly string[]): Promise<PermissionSet> {
  const permissions = new Set<string>();
  const denied = new Set<string>();
  for (const name of names) {
    const role = await findRole(ctx, name);
    if (!role) continue;
    for (const p of role.permissions) permissions.add(p);
    for (const d of role.denied) denied.add(d);
  }
  return { permissions: [...permissions], denied: [...denied] };
}
