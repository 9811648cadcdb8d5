import { allowsPermission } from '@omega/protocol';

export { permissionCovers } from '@omega/protocol';
/** Who is calling: resolved from a credential by the kernel's authenticator. */
export interface Principal {
  /** Stable id, e.g. `admin` or a user id (an API token's owner). */
  id: string;
  /** What kind of credential it came from. */
  kind: 'admin-token' | 'user' | 'api-token' | 'node';
  /** Granted permissions such as `nodes:read`; `*` grants everything, `nodes:*` and `*:read` a family. */
  permissions: readonly string[];
  /** Explicit denials; a deny always wins over any grant. */
  denied?: readonly string[];
  /** When the credential stops being valid (epoch ms), if it expires. */
  expiresAt?: number;
  /** A display name: the username, the API token's or the agent's name. */
  name?: string;
  /** The credential's own id: an access token's `jti`, an API token's id, an agent key's id. */
  credentialId?: string;
  /** Signed requests only: the SHA-256 (hex) the request body must have. */
  bodySha256?: string;
}

/** The permission that marks a route as open to anyone. */
export const PUBLIC = 'public';

/** Most permissions whose answer is kept per principal (a route table names far fewer). */
const DECISIONS_PER_PRINCIPAL = 256;
/**
 * Answers by principal object, then permission. A principal is never changed once made (a
 * role or token change makes a new one: the decision cache drops the old), so its answer for
 * a permission cannot change either; `allowsPermission` already compiles per object on the
 * same ground. A cached token's request then costs two map lookups here instead of splitting
 * the wanted permission and walking the patterns (`*:read`).
 */
const decided = new WeakMap<Principal, Map<string, boolean>>();

/** True when `principal` holds `permission` and no denial of it. Explicit deny wins. */
export function hasPermission(principal: Principal, permission: string): boolean {
  let answers = decided.get(principal);
  const known = answers?.get(permission);
  if (known !== undefined) return known;
  const allowed = allowsPermission(principal, permission);
  if (!answers) {
    answers = new Map();
    decided.set(principal, answers);
  }
  if (answers.size < DECISIONS_PER_PRINCIPAL) answers.set(permission, allowed);
  return allowed;
}
