/*
 * RBAC permission matching: one rule for the kernel (which enforces a route's permission)
 * and for auth providers (which resolve roles and scope API tokens), so the two can never
 * disagree about what a grant covers. Pure functions, no kernel state.
 */

/**
 * True when the permission pattern `granted` covers `wanted`, segment by segment (`:`):
 * `*` alone covers everything; a `*` segment matches one segment; a trailing `*` matches
 * one or more. `nodes:*` covers `nodes:read` and `nodes:admin:write`; `*:read` covers
 * `nodes:read` but not `nodes:admin:read`. `wanted` may itself be a pattern (scope checks):
 * then a `*` in it is matched only by a `*`.
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

/** Grants and explicit denials; a denial always wins. */
export interface PermissionSet {
  permissions: readonly string[];
  denied?: readonly string[];
}

/** True when `set` grants `permission` and denies no part of it. */
export function allowsPermission(set: PermissionSet, permission: string): boolean {
  if (set.denied?.some((d) => permissionCovers(d, permission))) return false;
  return set.permissions.some((g) => permissionCovers(g, permission));
}
