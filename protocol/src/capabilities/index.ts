export { capabilitiesOverlap, capabilityCovers, intersectCapabilities } from './capability-covers.js';
export type { CapabilityDescriptor, CapabilityKind, CryptoOp, SystemArea } from './capability-descriptor.js';
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
  isCryptoOp,
  isQualifiedServiceName,
  isSystemArea,
  PLUGIN_NAME_RE,
  SERVICE_NAME_RE,
  SYSTEM_AREAS,
} from './scope-values.js';
