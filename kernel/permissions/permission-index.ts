import type { CapabilityDescriptor, CapabilityKind } from '@omega/protocol';
import { segmentsCover, segmentsOverlap, splitPattern } from '@omega/protocol';
import type { NormalizedRequest } from './normalize-request.js';

/** A set of permissions indexed by kind, so a decision costs a Set lookup or a short pattern scan. */
export interface PermissionIndex {
  /** True when one permission of the set allows all of `req`. */
  covers(req: NormalizedRequest): boolean;
  /** True when some permission of the set shares a request with `req`. */
  overlaps(req: NormalizedRequest): boolean;
}

/** Builds a {@link PermissionIndex} over normalised descriptors. */
export function createPermissionIndex(list: readonly CapabilityDescriptor[]): PermissionIndex {
  const kinds = new Set<CapabilityKind>();
  const scopes = new Set<string>(); // `kind scope` for the kinds compared by equality
  const publish: string[][] = [];
  const subscribe: string[][] = [];
  for (const d of list) {
    kinds.add(d.kind);
    if (d.kind === 'events.publish') publish.push(splitPattern(d.topic));
    else if (d.kind === 'events.subscribe') subscribe.push(splitPattern(d.topic));
    else if (d.kind === 'system.read') scopes.add(`system.read ${d.area}`);
    else if (d.kind === 'net.fetch') scopes.add(`net.fetch ${d.origin}`);
    else if (d.kind === 'crypto') scopes.add(`crypto ${d.op}`);
    else if (d.kind === 'services.call') scopes.add(`services.call ${d.service}`);
  }
  const scoped = (d: CapabilityDescriptor): string | null => {
    if (d.kind === 'net.fetch') return `net.fetch ${d.origin}`;
    if (d.kind === 'crypto') return `crypto ${d.op}`;
    if (d.kind === 'services.call') return `services.call ${d.service}`;
    return null;
  };
  const decide = (req: NormalizedRequest, overlap: boolean): boolean => {
    const d = req.descriptor;
    if (!kinds.has(d.kind)) return false;
    switch (d.kind) {
      case 'events.publish':
      case 'events.subscribe': {
        const patterns = d.kind === 'events.publish' ? publish : subscribe;
        const test = overlap ? segmentsOverlap : segmentsCover;
        return patterns.some((p) => test(p, req.segments));
      }
      case 'system.read':
        if (scopes.has('system.read *') || scopes.has(`system.read ${d.area}`)) return true;
        return overlap && d.area === '*';
      case 'net.fetch':
        return (
          scopes.has('net.fetch *') || scopes.has(`net.fetch ${d.origin}`) || (overlap && d.origin === '*')
        );
      default: {
        const key = scoped(d);
        return key === null || scopes.has(key);
      }
    }
  };
  return { covers: (req) => decide(req, false), overlaps: (req) => decide(req, true) };
}
