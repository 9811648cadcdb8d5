/**
 * True when the pattern `granted` covers `wanted`, segment by segment (`:`): `*` alone covers
 * everything, a `*` segment matches one segment, a trailing `*` one or more. The kernel
 * decides with the same rule (kernel/auth/principal.ts); this copy decides scopes and roles.
 */
export function permissionCovers(granted: string, wanted: string): boolean {
  if (granted === '*' || granted === wanted) return true;
  const g = granted.split(':');
  const w = wanted.split(':');
  for (let i = 0; i < g.length; i++) {
    const seg = g[i];
    if (seg === '*' && i === g.length - 1) return w.length > i;
    if (i >= w.length) return false;
    if (seg !== '*' && seg !== w[i]) return false;
  }
  return g.length === w.length;
}

/** A resolved permission set: grants and explicit denials (deny wins). */
export interface PermissionSet {
  permissions: string[];
  denied: string[];
}

/** True when `set` grants `permission` and denies no part of it. */
export function allows(set: PermissionSet, permission: string): boolean {
  if (set.denied.some((d) => permissionCovers(d, permission))) return false;
  return set.permissions.some((g) => permissionCovers(g, permission));
}
