import type { ServiceCaller } from '@omega/sdk';
import type { Ctx } from './context.js';
import { getUser } from './users.js';

/**
 * The `user-roles` service: the role names of a user id (`{ roles: [] }` for an unknown or
 * disabled user), for plugins that apply per-role policy (the sessions plugin's role quotas).
 * Only plugins the operator granted `services:call:security.user-roles` reach it.
 */
export async function userRoles(
  args: unknown,
  ctx: Ctx,
  _caller: ServiceCaller,
): Promise<{ roles: string[] }> {
  const user = (args as { user?: unknown } | null)?.user;
  if (typeof user !== 'string' || user.length === 0 || user.length > 128) return { roles: [] };
  const u = await getUser(ctx, user);
  return { roles: u && !u.disabled ? [...u.roles] : [] };
}
