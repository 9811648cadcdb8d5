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

/** A permission pattern split once: exact strings go in a Set, patterns keep their segments. */
interface CompiledPatterns {
  any: boolean;
  exact: Set<string>;
  patterns: string[][];
}

function compile(list: readonly string[]): CompiledPatterns {
  const out: CompiledPatterns = { any: false, exact: new Set(), patterns: [] };
  for (const p of list) {
    if (p === '*') out.any = true;
    else if (p.includes('*')) out.patterns.push(p.split(':'));
    else out.exact.add(p);
  }
  return out;
}

function matches(c: CompiledPatterns, wanted: string): boolean {
  if (c.any || c.exact.has(wanted)) return true;
  if (c.patterns.length === 0) return false;
  const w = wanted.split(':');
  return c.patterns.some((g) => {
    for (let i = 0; i < g.length; i++) {
      const seg = g[i];
      if (seg === '*' && i === g.length - 1) return w.length > i;
      if (i >= w.length) return false;
      if (seg !== '*' && seg !== w[i]) return false;
    }
    return g.length === w.length;
  });
}

/** Compiled sets by identity: a principal is checked on every request it makes. */
const compiled = new WeakMap<PermissionSet, { grant: CompiledPatterns; deny: CompiledPatterns }>();

/**
 * True when `set` grants `permission` and denies no part of it. The set is compiled once
 * (per object) — treat a PermissionSet as immutable once checked.
 */
export function allowsPermission(set: PermissionSet, permission: string): boolean {
  let c = compiled.get(set);
  if (!c) {
    c = { grant: compile(set.permissions), deny: compile(set.denied ?? []) };
    compiled.set(set, c);
  }
  return !matches(c.deny, permission) && matches(c.grant, permission);
}
