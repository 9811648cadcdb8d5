import type { CapabilityDescriptor } from './capability-descriptor.js';

/** The manifest string of a descriptor; the inverse of parseCapability for canonical strings. */
export function formatCapability(d: CapabilityDescriptor): string {
  switch (d.kind) {
    case 'storage':
      return 'storage';
    case 'events.publish':
      return `events:publish:${d.topic}`;
    case 'events.subscribe':
      return `events:subscribe:${d.topic}`;
    case 'http.routes':
      return 'http:routes';
    case 'system.read':
      return `system:read:${d.area}`;
    case 'net.fetch':
      return `net:fetch:${d.origin}`;
    case 'crypto':
      return `crypto:${d.op}`;
    case 'services.call':
      return `services:call:${d.service}`;
    case 'timers':
      return 'timers';
    case 'log':
      return 'log';
    case 'auth.provider':
      return 'auth:provider';
    default: {
      // Descriptors arrive from plugins as data; never let an unknown kind format as `undefined`.
      const unknown: never = d;
      return `unknown:${String((unknown as { kind?: unknown }).kind)}`;
    }
  }
}
