/** Who is calling: resolved from a credential by the kernel's authenticator. */
export interface Principal {
  /** Stable id, e.g. `admin` or a user id. */
  id: string;
  /** What kind of credential it came from. */
  kind: 'admin-token' | 'user' | 'api-token' | 'node';
  /** Granted permissions such as `nodes:read`; `*` grants everything. */
  permissions: readonly string[];
  /** Explicit denials; a deny always wins over any grant. */
  denied?: readonly string[];
  /** When the credential stops being valid (epoch ms), if it expires. */
  expiresAt?: number;
}

/** The permission that marks a route as open to anyone. */
export const PUBLIC = 'public';

function covers(granted: string, wanted: string): boolean {
  if (granted === '*' || granted === wanted) return true;
  // `nodes:*` covers `nodes:read`; the resource part must match exactly.
  if (granted.endsWith(':*')) return wanted.startsWith(granted.slice(0, -1));
  return false;
}

/** True when `principal` holds `permission` and no denial of it. Explicit deny wins. */
export function hasPermission(principal: Principal, permission: string): boolean {
  if (principal.denied?.some((d) => covers(d, permission))) return false;
  return principal.permissions.some((g) => covers(g, permission));
}
