import type { PluginContext } from '@omega/sdk';
import { sessionError } from '../errors/session-errors.js';

/** How long a user's roles are trusted before they are asked again. */
const TTL_MS = 30_000;
const MAX_ENTRIES = 10_000;

/**
 * A user's roles, from the security plugin's `security.user-roles` service (route callers carry
 * permissions, not roles), cached for 30 s: a role change reaches quota checks within that.
 */
export class RoleCache {
  private readonly cache = new Map<string, { roles: string[]; at: number }>();

  constructor(private readonly ctx: PluginContext) {}

  /** The roles of user `id`; SESSIONS_ERR_ROLES_UNAVAILABLE when the security plugin does not answer. */
  async rolesOf(id: string): Promise<string[]> {
    const hit = this.cache.get(id);
    if (hit && Date.now() - hit.at < TTL_MS) return hit.roles;
    let roles: string[];
    try {
      const r = (await this.ctx.services.call('security.user-roles', { user: id })) as { roles?: unknown };
      roles = Array.isArray(r?.roles)
        ? r.roles.filter((x): x is string => typeof x === 'string').slice(0, 64)
        : [];
    } catch (err) {
      const code = (err as { code?: string })?.code ?? 'error';
      throw sessionError(
        'SESSIONS_ERR_ROLES_UNAVAILABLE',
        `The roles of ${id} could not be read (${code}), so role quotas cannot be checked.`,
      );
    }
    if (this.cache.size >= MAX_ENTRIES) this.cache.clear();
    this.cache.set(id, { roles, at: Date.now() });
    return roles;
  }
}
