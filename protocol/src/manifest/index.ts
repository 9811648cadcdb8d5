export {
  manifestSchema,
  PANEL_ACTION_DEFAULT_PERMISSION,
  PANEL_SLOTS,
  type PluginManifest,
  type PluginPanel,
  type PluginPanelAction,
  type PluginRoute,
  type PluginService,
  type PluginUiDeclaration,
  ROUTE_METHODS,
} from './manifest-schema.js';
export { fieldErrors, formatFieldPath, parseManifest } from './parse-manifest.js';
export { isReservedPluginName, RESERVED_PLUGIN_NAMES } from './reserved-names.js';
export { routePathProblem, routeShape, routeShapeKey } from './route-path.js';
export {
  MAX_ROUTE_SCHEMA_DEPTH,
  MAX_ROUTE_SCHEMAS_BYTES,
  ROUTE_SCHEMA_DIALECT,
  type RouteSchemasDeclaration,
  routeSchemaProblem,
  routeSchemasSchema,
} from './route-schemas.js';
export { isUiPath } from './ui-path.js';
