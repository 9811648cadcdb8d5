export { acceptsAbsentBody } from './accepts-absent-body.js';
export {
  compileRouteValidator,
  type RouteInputParts,
  type RouteValidator,
} from './compile-route-validator.js';
export { checkQueryNames, repeatedQueryNames } from './query-names.js';
export { routeDocsFromSchemas } from './route-docs-from-schemas.js';
export { routeValidators } from './route-validators.js';
export { compileSchema } from './schema-compilers.js';
