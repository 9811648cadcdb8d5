export {
  ADMIN_PRINCIPAL,
  adminTokenAuthenticator,
  adminTokenPath,
  resolveAdminToken,
} from './admin-token.js';
export { type Authenticator, bearerFrom, type Credentials, chainAuthenticators } from './authenticator.js';
export { hasPermission, type Principal, PUBLIC } from './principal.js';
