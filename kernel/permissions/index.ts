export {
  createPermissionGate,
  type DenyRecord,
  type PermissionGate,
  type PermissionGateOptions,
} from './create-permission-gate.js';
export type { CryptoOp, PermissionDescriptor, PermissionKind, SystemArea } from './descriptor.js';
export { formatPermission } from './format-permission.js';
export { normalizeOrigin, parseRequestUrl, type RequestTarget, requestResource } from './normalize-origin.js';
export { type NormalizedRequest, normalizeRequest } from './normalize-request.js';
export { parsePermission } from './parse-permission.js';
export { patternCovers, patternIntersection, patternsOverlap } from './pattern-covers.js';
export { intersectPermissions, permissionCovers, permissionsOverlap } from './permission-covers.js';
export { createPermissionIndex, type PermissionIndex } from './permission-index.js';
export {
  CRYPTO_OPS,
  isCryptoOp,
  isQualifiedServiceName,
  isSystemArea,
  PLUGIN_NAME_RE,
  SERVICE_NAME_RE,
  SYSTEM_AREAS,
} from './scope-values.js';
