import { type CapabilityDescriptor, capabilityKind } from './capability-kinds.js';

/*
 * Comparisons of capabilities, all driven by CAPABILITY_KINDS: different kinds never cover,
 * overlap or intersect; a kind unknown to the table never does either (fail closed); a
 * scope-less kind covers itself; a scoped kind compares its one scope with its own rule.
 */

const scopeOf = (d: CapabilityDescriptor, field: string): string =>
  String((d as unknown as Record<string, unknown>)[field]);

/**
 * True when holding `granted` allows everything `requested` asks for. Both must already be
 * normalised (parseCapability does that).
 */
export function capabilityCovers(granted: CapabilityDescriptor, requested: CapabilityDescriptor): boolean {
  if (granted.kind !== requested.kind) return false;
  const spec = capabilityKind(granted.kind);
  if (spec === undefined) return false;
  if (!spec.scope) return true;
  const { field, covers } = spec.scope;
  return covers(scopeOf(granted, field), scopeOf(requested, field));
}

/** True when some request would be allowed by both (a deny that overlaps a request refuses it). */
export function capabilitiesOverlap(a: CapabilityDescriptor, b: CapabilityDescriptor): boolean {
  if (a.kind !== b.kind) return false;
  const spec = capabilityKind(a.kind);
  if (spec === undefined) return false;
  if (!spec.scope) return true;
  const { field, overlaps } = spec.scope;
  return overlaps(scopeOf(a, field), scopeOf(b, field));
}

/** The capability allowing exactly what both allow, or null when they share nothing. */
export function intersectCapabilities(
  a: CapabilityDescriptor,
  b: CapabilityDescriptor,
): CapabilityDescriptor | null {
  if (a.kind !== b.kind) return null;
  const spec = capabilityKind(a.kind);
  if (spec === undefined) return null;
  if (!spec.scope) return { ...a };
  const { field, intersect } = spec.scope;
  const scope = intersect(scopeOf(a, field), scopeOf(b, field));
  return scope === null ? null : ({ kind: a.kind, [field]: scope } as CapabilityDescriptor);
}
