import { type CapabilityDescriptor, capabilityKind } from '@omega/protocol';
import type { NormalizedRequest } from './normalize-request.js';

/** A set of capabilities indexed by kind, so a decision scans only the grants of that kind. */
export interface PermissionIndex {
  /** True when one capability of the set allows all of `req`. */
  covers(req: NormalizedRequest): boolean;
  /** True when some capability of the set shares a request with `req`. */
  overlaps(req: NormalizedRequest): boolean;
}

const scopeOf = (d: CapabilityDescriptor, field: string): string =>
  String((d as unknown as Record<string, unknown>)[field]);

/**
 * Builds a {@link PermissionIndex} over normalised descriptors. Every comparison is the kind's
 * own rule from the protocol's CAPABILITY_KINDS; a kind the table does not know is never held.
 */
export function createPermissionIndex(list: readonly CapabilityDescriptor[]): PermissionIndex {
  const byKind = new Map<string, string[]>();
  for (const d of list) {
    const spec = capabilityKind(d.kind);
    if (!spec) continue;
    const scopes = byKind.get(d.kind) ?? [];
    if (spec.scope) scopes.push(scopeOf(d, spec.scope.field));
    byKind.set(d.kind, scopes);
  }
  const decide = (req: NormalizedRequest, overlap: boolean): boolean => {
    const d = req.descriptor;
    const held = byKind.get(d.kind);
    const spec = capabilityKind(d.kind);
    if (!held || !spec) return false;
    if (!spec.scope) return true;
    const wanted = scopeOf(d, spec.scope.field);
    const test = overlap ? spec.scope.overlaps : spec.scope.covers;
    return held.some((g) => test(g, wanted));
  };
  return { covers: (req) => decide(req, false), overlaps: (req) => decide(req, true) };
}
