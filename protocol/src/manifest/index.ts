export {
  manifestSchema,
  type PluginManifest,
  type PluginRoute,
  type PluginService,
  ROUTE_METHODS,
} from './manifest-schema.js';
export { fieldErrors, formatFieldPath, parseManifest } from './parse-manifest.js';
export { isReservedPluginName, RESERVED_PLUGIN_NAMES } from './reserved-names.js';
export { routePathProblem, routeShape } from './route-path.js';
