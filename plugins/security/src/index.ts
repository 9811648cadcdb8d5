import { definePlugin, type PluginResponse } from '@omega/sdk';
import type { Ctx, Req } from './context.js';
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

/** Every route handler by its manifest name; each gets the activation's state. */
const ROUTES: Record<string, (req: Req, ctx: Ctx, s: State) => Promise<PluginResponse>> = {
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
    return {
      routes: Object.fromEntries(
        Object.entries(ROUTES).map(([name, route]) => [name, (req: Req, c: Ctx) => route(req, c, s)]),
      ),
      services: { authProvider, userRoles },
    };
  },
});
