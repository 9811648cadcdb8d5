export { canonicalJson } from './canonical-json.js';
export { compareManifests } from './compare-manifests.js';
export {
  type FlattenedJws,
  type IndexDoc,
  indexSchema,
  integritySchema,
  METADATA_SPEC,
  type PublicKey,
  publicKeySchema,
  type ReleaseStatement,
  type RoleName,
  type RootDoc,
  releaseStatementSchema,
  rootSchema,
  type TimestampDoc,
  timestampSchema,
} from './metadata-schemas.js';
export { checkExpiry, parsePayload, parseSignedDocument } from './parse-signed.js';
export {
  type SignedDocument,
  signDocument,
  signFlattened,
  TYP,
  unverifiedPayload,
} from './signed-document.js';
export {
  generatePrivateJwk,
  keyIdOf,
  loadSigningKey,
  type PrivateKeyJwk,
  type SigningKey,
} from './signing-key.js';
export {
  type DownloadReason,
  downloadFailed,
  type TrustContext,
  type TrustRole,
  type UntrustedReason,
  untrusted,
} from './untrusted.js';
export { type VerifiedRelease, verifyRelease } from './verify-release.js';
export { verifyNextRoot, verifyRoleDocument, verifySelfSignedRoot } from './verify-role.js';
export { MAX_SIGNATURES, type ThresholdCheck, verifyThreshold } from './verify-threshold.js';
