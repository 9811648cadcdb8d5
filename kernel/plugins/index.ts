export {
  type DiscoveredPlugin,
  type Discovery,
  type DiscoveryError,
  discoverPlugins,
} from './discover-plugins.js';
export { type Grants, type PluginGrants, parseGrants } from './grants-schema.js';
export { loadGrants } from './load-grants.js';
export {
  manifestSchema,
  type PluginManifest,
  type PluginRoute,
  type PluginService,
  ROUTE_METHODS,
} from './manifest-schema.js';
export { missingGrants } from './missing-grants.js';
export { fieldErrors, formatFieldPath, parseManifest } from './parse-manifest.js';
export { type LoadPlan, planLoad, type Refusal } from './plan-load.js';
export { isReservedPluginName, RESERVED_PLUGIN_NAMES } from './reserved-names.js';
export { routePathProblem, routeShape } from './route-path.js';
export { saveGrants } from './save-grants.js';
export { updateGrants } from './update-grants.js';
export { computeIntegrity, verifyIntegrity } from './verify-integrity.js';
