/** True when `pattern` (e.g. `*`, `nodes:*`, `*:read`, `nodes:read`) covers `permission`. */
export function covers(pattern: string, permission: string): boolean {
  if (pattern === '*' || pattern === permission) return true;
  const p = pattern.split(':');
  const q = permission.split(':');
  if (p.length !== q.length && !(p.at(-1) === '*' && p.length <= q.length)) return false;
  for (let i = 0; i < p.length; i++) {
    if (p[i] === '*') {
      if (i === p.length - 1) return true;
      continue;
    }
    if (p[i] !== q[i]) return false;
  }
  return p.length === q.length;
}

/**
 * The same decision the kernel makes (deny wins), used only to hide what the caller could not
 * do anyway: the kernel still checks every request.
 */
export function hasPermission(
  granted: readonly string[],
  denied: readonly string[],
  permission: string,
): boolean {
  if (denied.some((d) => covers(d, permission))) return false;
  return granted.some((g) => covers(g, permission));
}
