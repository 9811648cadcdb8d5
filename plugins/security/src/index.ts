import { definePlugin, type PluginResponse } from '@omega/sdk';
import { CHECKPOINT_MS } from './audit-log.js';
import type { Ctx, Req, RouteReq, RouteSchemas } from './context.js';
import { auditKernelEvents } from './kernel-events.js';
import { authProvider } from './provider.js';
import {
  createAgentRoute,
  listAgentsRoute,
  listTokensRoute,
  queryAuditRoute,
  revokeAgentRoute,
  revokeTokenRoute,
  verifyAuditRoute,
} from './routes/admin-routes.js';
import { bootstrap, login, logout, refresh } from './routes/auth-routes.js';
import {
  changePassword,
  createMyToken,
  logoutAll,
  myTokens,
  revokeMyToken,
  whoAmI,
} from './routes/me-routes.js';
import { createRoleRoute, deleteRoleRoute, listRolesRoute, updateRoleRoute } from './routes/role-routes.js';
import {
  createUserRoute,
  deleteUserRoute,
  getUserRoute,
  listUsersRoute,
  updateUserRoute,
} from './routes/user-routes.js';
import { initState, type State } from './state.js';
import { userRoles } from './user-roles-service.js';
import { repairOrphanNames } from './users.js';

/** Every route handler by its manifest name (the same keys as the route schemas); each gets the activation's state. */
const ROUTES: {
  [K in keyof RouteSchemas]: (req: RouteReq<K>, ctx: Ctx, s: State) => Promise<PluginResponse>;
} = {
  login,
  refresh,
  logout,
  bootstrap,
  whoAmI,
  changePassword,
  logoutAll,
  myTokens,
  createMyToken,
  revokeMyToken,
  listUsersRoute,
  createUserRoute,
  getUserRoute,
  updateUserRoute,
  deleteUserRoute,
  listRolesRoute,
  createRoleRoute,
  updateRoleRoute,
  deleteRoleRoute,
  listTokensRoute,
  revokeTokenRoute,
  listAgentsRoute,
  createAgentRoute,
  revokeAgentRoute,
  queryAuditRoute,
  verifyAuditRoute,
};

/**
 * The security plugin: users, roles, sign-in, tokens and the audit trail, and the kernel's
 * auth provider (`auth:provider`). Loaded like any third-party plugin; the kernel verifies
 * access tokens itself and asks this plugin only what it cannot know. Its state (the audit
 * chain, the sign-in limiter) belongs to one activation.
 */
export const plugin = definePlugin({
  async setup(ctx) {
    const s = await initState(ctx);
    await auditKernelEvents(ctx, s);
    for (const orphan of await repairOrphanNames(ctx)) {
      await s.audit.append({
        actor: 'security',
        action: 'user.name.repaired',
        outcome: 'success',
        target: orphan.username,
        details: { reason: 'username reserved with no user behind it', missingUser: orphan.id },
      });
    }
    // A signed checkpoint every CHECKPOINT_MS while the trail grows (and every CHECKPOINT_EVERY entries).
    await ctx.timers.every(CHECKPOINT_MS, () => s.audit.checkpointNow().then(() => undefined));
    return {
      routes: Object.fromEntries(
        Object.entries(ROUTES).map(([name, route]) => [
          name,
          // The kernel validated the request against the route's schemas before handing it over.
          (req: Req, c: Ctx) => (route as (r: Req, c: Ctx, s: State) => Promise<PluginResponse>)(req, c, s),
        ]),
      ),
      services: { authProvider, userRoles },
    };
  },
});
