export { capabilitiesOverlap, capabilityCovers, intersectCapabilities } from './capability-covers.js';
export {
  CAPABILITY_KINDS,
  type CapabilityDescriptor,
  type CapabilityKind,
  capabilityKind,
  invalidCapability,
  RESERVED_SERVICES,
} from './capability-kinds.js';
export { formatCapability } from './format-capability.js';
export { normalizeOrigin, parseRequestUrl, type RequestTarget, requestResource } from './normalize-origin.js';
export { parseCapability } from './parse-capability.js';
export {
  patternCovers,
  patternIntersection,
  patternsOverlap,
  segmentsCover,
  segmentsIntersection,
  segmentsOverlap,
} from './pattern-covers.js';
export {
  CRYPTO_OPS,
  type CryptoOp,
  isCryptoOp,
  isQualifiedServiceName,
  isSystemArea,
  PLUGIN_NAME_RE,
  SERVICE_NAME_RE,
  SYSTEM_AREAS,
  type SystemArea,
} from './scope-values.js';
