export {
  fieldErrors,
  formatFieldPath,
  isReservedPluginName,
  manifestSchema,
  type PluginManifest,
  type PluginRoute,
  type PluginService,
  parseManifest,
  RESERVED_PLUGIN_NAMES,
  ROUTE_METHODS,
  routePathProblem,
  routeShape,
} from '@omega/protocol';
export { computeIntegrity, verifyIntegrity } from '@omega/protocol/archive';
export {
  type DiscoveredPlugin,
  type Discovery,
  type DiscoveryError,
  discoverPlugins,
} from './discover-plugins.js';
export { type Grants, type PluginGrants, parseGrants } from './grants-schema.js';
export { loadGrants } from './load-grants.js';
export { missingGrants } from './missing-grants.js';
export { type LoadPlan, type LoadRefusal, planLoad } from './plan-load.js';
export { saveGrants } from './save-grants.js';
export { updateGrants } from './update-grants.js';
