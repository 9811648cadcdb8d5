export { type AuthProviderChange, requireAuthProviderConsent } from './auth-provider-consent.js';
export { hostServicesFor, type KernelServices } from './host-services-for.js';
export { type BundledGrantsMerge, bundledRecordFile, mergeBundledGrants } from './merge-bundled-grants.js';
export { pluginAdminRoutes } from './plugin-admin-routes.js';
export { createPluginManager, type PluginManager, type PluginManagerOptions } from './plugin-manager.js';
export { BUNDLED_PLUGINS_DIR, pluginPaths } from './plugin-paths.js';
export { type PluginRouteOptions, pluginRoute, pluginRoutePath } from './plugin-route.js';
export { type PluginPhase, type PluginView, pluginView } from './plugin-view.js';
export { ServiceRegistry } from './service-registry.js';
