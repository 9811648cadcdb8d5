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

/** True when `principal` holds `permission` and no denial of it. Explicit deny wins. */
export function hasPermission(principal: Principal, permission: string): boolean {
  return allowsPermission(principal, permission);
}
