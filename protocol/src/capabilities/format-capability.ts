import { type CapabilityDescriptor, capabilityKind } from './capability-kinds.js';

/** The manifest string of a descriptor; the inverse of parseCapability for canonical strings. */
export function formatCapability(d: CapabilityDescriptor): string {
  // Descriptors may arrive as data: an unknown kind never formats as a real capability.
  const spec = capabilityKind(d.kind);
  if (spec === undefined) return `unknown:${String(d.kind)}`;
  if (!spec.scope) return spec.syntax;
  return `${spec.syntax}${String((d as unknown as Record<string, unknown>)[spec.scope.field])}`;
}
