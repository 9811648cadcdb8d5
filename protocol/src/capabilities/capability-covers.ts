import type { CapabilityDescriptor } from './capability-descriptor.js';
import { patternCovers, patternIntersection, patternsOverlap } from './pattern-covers.js';

/**
 * True when holding `granted` allows everything `requested` asks for. Both must already be
 * normalised (parseCapability does that). Per kind: exact for the scope-less kinds; topic
 * pattern coverage for events; same area or `*` for system.read; equal origin, op or service.
 */
export function capabilityCovers(granted: CapabilityDescriptor, requested: CapabilityDescriptor): boolean {
  switch (granted.kind) {
    case 'events.publish':
    case 'events.subscribe':
      return requested.kind === granted.kind && patternCovers(granted.topic, requested.topic);
    case 'system.read':
      return requested.kind === 'system.read' && (granted.area === '*' || granted.area === requested.area);
    case 'net.fetch':
      return (
        requested.kind === 'net.fetch' && (granted.origin === '*' || granted.origin === requested.origin)
      );
    case 'crypto':
      return requested.kind === 'crypto' && granted.op === requested.op;
    case 'services.call':
      return requested.kind === 'services.call' && granted.service === requested.service;
    default:
      return requested.kind === granted.kind;
  }
}

/** True when some request would be allowed by both (a deny that overlaps a request refuses it). */
export function capabilitiesOverlap(a: CapabilityDescriptor, b: CapabilityDescriptor): boolean {
  switch (a.kind) {
    case 'events.publish':
    case 'events.subscribe':
      return b.kind === a.kind && patternsOverlap(a.topic, b.topic);
    case 'system.read':
      return b.kind === 'system.read' && (a.area === '*' || b.area === '*' || a.area === b.area);
    case 'net.fetch':
      return b.kind === 'net.fetch' && (a.origin === '*' || b.origin === '*' || a.origin === b.origin);
    default:
      return capabilityCovers(a, b);
  }
}

/** The permission allowing exactly what both allow, or null when they share nothing. */
export function intersectCapabilities(
  a: CapabilityDescriptor,
  b: CapabilityDescriptor,
): CapabilityDescriptor | null {
  if (a.kind === 'events.publish' || a.kind === 'events.subscribe') {
    if (b.kind !== a.kind) return null;
    const topic = patternIntersection(a.topic, b.topic);
    return topic === null ? null : { kind: a.kind, topic };
  }
  if (a.kind === 'system.read') {
    if (b.kind !== 'system.read') return null;
    if (a.area === '*') return { ...b };
    return b.area === '*' || b.area === a.area ? { ...a } : null;
  }
  if (a.kind === 'net.fetch') {
    if (b.kind !== 'net.fetch') return null;
    if (a.origin === '*') return { ...b };
    return b.origin === '*' || b.origin === a.origin ? { ...a } : null;
  }
  return capabilityCovers(a, b) ? { ...a } : null;
}
