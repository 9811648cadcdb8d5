import type { CapabilityDescriptor } from '@omega/protocol';
import {
  isCryptoOp,
  isQualifiedServiceName,
  isSystemArea,
  parseRequestUrl,
  splitPattern,
  splitTopic,
} from '@omega/protocol';
import { omegaError } from '../errors/index.js';

/** A request normalised for the gate, with its pre-split topic when it has one. */
export interface NormalizedRequest {
  descriptor: CapabilityDescriptor;
  /** Topic (publish) or pattern (subscribe) segments; empty for other kinds. */
  segments: string[];
}

const bad = (what: string, value: unknown): never => {
  throw omegaError('OMEGA_ERR_VALIDATION', `Invalid ${what} ${JSON.stringify(value)?.slice(0, 100)}.`, {
    [what]: value,
  });
};

/**
 * Normalises what a host call asks for, before any decision: publish topics must be concrete
 * topics, subscribe patterns valid patterns, `net.fetch` origins (or whole URLs) become the
 * canonical origin (user info refused), other scopes must be known values. Descriptors come
 * from plugin data, so nothing about their shape is trusted. Throws a coded error when invalid.
 */
export function normalizeRequest(requested: unknown): NormalizedRequest {
  if (typeof requested !== 'object' || requested === null) return bad('permission', requested);
  const r = requested as Record<string, unknown>;
  const str = (key: string): string => (typeof r[key] === 'string' ? (r[key] as string) : bad(key, r[key]));
  switch (r.kind) {
    case 'storage':
    case 'http.routes':
    case 'timers':
    case 'log':
    case 'auth.provider':
      return { descriptor: { kind: r.kind }, segments: [] };
    case 'events.publish': {
      const topic = str('topic');
      return { descriptor: { kind: 'events.publish', topic }, segments: splitTopic(topic) };
    }
    case 'events.subscribe': {
      const topic = str('topic');
      return { descriptor: { kind: 'events.subscribe', topic }, segments: splitPattern(topic) };
    }
    case 'system.read': {
      const area = str('area');
      if (area !== '*' && !isSystemArea(area)) bad('area', area);
      return { descriptor: { kind: 'system.read', area: area as '*' }, segments: [] };
    }
    case 'net.fetch':
      return {
        descriptor: { kind: 'net.fetch', origin: parseRequestUrl(str('origin')).origin },
        segments: [],
      };
    case 'crypto': {
      const op = str('op');
      return isCryptoOp(op) ? { descriptor: { kind: 'crypto', op }, segments: [] } : bad('op', op);
    }
    case 'services.call': {
      const service = str('service');
      return isQualifiedServiceName(service)
        ? { descriptor: { kind: 'services.call', service }, segments: [] }
        : bad('service', service);
    }
    default:
      return bad('kind', r.kind);
  }
}
