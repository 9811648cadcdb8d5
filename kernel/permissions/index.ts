export type { CapabilityDescriptor, CapabilityKind, CryptoOp, SystemArea } from '@omega/protocol';
export {
  CRYPTO_OPS,
  capabilitiesOverlap,
  capabilityCovers,
  formatCapability,
  intersectCapabilities,
  isCryptoOp,
  isQualifiedServiceName,
  isSystemArea,
  normalizeOrigin,
  PLUGIN_NAME_RE,
  parseCapability,
  parseRequestUrl,
  patternCovers,
  patternIntersection,
  patternsOverlap,
  type RequestTarget,
  requestResource,
  SERVICE_NAME_RE,
  SYSTEM_AREAS,
} from '@omega/protocol';
export {
  createPermissionGate,
  type DenyRecord,
  GATE_MEMO_MAX,
  type PermissionGate,
  type PermissionGateOptions,
} from './create-permission-gate.js';
export { type NormalizedRequest, normalizeRequest } from './normalize-request.js';
export { createPermissionIndex, type PermissionIndex } from './permission-index.js';
export { KERNEL_TOPIC_ROOTS, reservedTopicReason } from './reserved-topic.js';
