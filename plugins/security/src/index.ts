import { definePlugin } from '@omega/sdk';
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
import { initState } from './state.js';

/**
 * The security plugin: users, roles, sign-in, tokens and the audit trail, and the kernel's
 * auth provider (`auth:provider`). Loaded like any third-party plugin; the kernel verifies
 * access tokens itself and asks this plugin only what it cannot know.
 */
export const plugin = definePlugin({
  async activate(ctx) {
    await initState(ctx);
    await auditKernelEvents(ctx);
  },
  routes: {
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
  },
  services: {
    authProvider,
  },
});
