export {
  ACCESS_TOKEN_AUDIENCE,
  ACCESS_TOKEN_MAX_TTL_SEC,
  type AccessTokenClaims,
  API_TOKEN_PREFIX,
  accessFromClaims,
  looksLikeJwt,
  type VerifiedAccess,
} from './access-token.js';
export {
  ADMIN_PRINCIPAL,
  adminTokenAuthenticator,
  adminTokenPath,
  resolveAdminToken,
} from './admin-token.js';
export { type ArmBootstrapOptions, armBootstrap, BOOTSTRAP_SECRET_MIN_CHARS } from './arm-bootstrap.js';
export {
  type AgentKey,
  type AuthProvider,
  type IntrospectQuery,
  type ProviderPrincipal,
  toPrincipal,
} from './auth-provider.js';
export { type Authenticator, bearerFrom, type Credentials, chainAuthenticators } from './authenticator.js';
export {
  authorizeTopics,
  eventFilterFor,
  GUARDED_TOPICS,
  OWNED_TOPICS,
  type TopicEvent,
} from './authorize-topics.js';
export {
  BREAK_GLASS_SUBJECT,
  type BreakGlassResult,
  breakGlass,
  MAX_BREAK_GLASS_SEC,
} from './break-glass.js';
export { createKernelAuth, type KernelAuth, type KernelAuthOptions } from './create-kernel-auth.js';
export { type CachedDecision, DecisionCache, type Revocation } from './decision-cache.js';
export { NonceWindow } from './nonce-window.js';
export {
  AUTH_PROVIDER_SERVICE,
  declaresAuthProviderService,
  type ProviderHost,
  pluginAuthProvider,
} from './plugin-auth-provider.js';
export { hasPermission, type Principal, PUBLIC, permissionCovers } from './principal.js';
export {
  agentPublicKey,
  bodySha256,
  canonicalRequest,
  SIGNATURE_HEADERS,
  SIGNATURE_SCHEME,
  type SignedParts,
  signRequest,
  verifyRequestSignature,
} from './request-signing.js';
export {
  createRevocationList,
  type RevocationList,
  type RevocationListOptions,
  type RevocationSubject,
} from './revocation-list.js';
export { REVOCATION_TOPICS, revocationOf } from './revocation-topics.js';
export { routeCaller } from './route-caller.js';
export { type SignedRequestOptions, signedRequestAuthenticator } from './signed-request-authenticator.js';
export { type TokenAuthenticatorOptions, tokenAuthenticator } from './token-authenticator.js';
