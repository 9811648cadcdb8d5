import { hasErrorCode, omegaError } from '../errors/index.js';
import { splitPattern } from '../events/validate-topic.js';
import type { CapabilityDescriptor } from './capability-descriptor.js';
import { normalizeOrigin } from './normalize-origin.js';
import { isCryptoOp, isQualifiedServiceName, isSystemArea, SYSTEM_AREAS } from './scope-values.js';

const show = (s: string): string => JSON.stringify(s.length > 100 ? `${s.slice(0, 100)}…` : s);

function invalid(s: string, why: string): never {
  throw omegaError('OMEGA_ERR_MANIFEST_INVALID', `Permission ${show(s)}: ${why}`, { permission: s });
}

/** The text after `prefix`, or null when `s` does not start with it. */
function scopeAfter(s: string, prefix: string): string | null {
  return s.startsWith(prefix) ? s.slice(prefix.length) : null;
}

function topicScope(s: string, scope: string): string {
  try {
    splitPattern(scope);
  } catch (err) {
    invalid(s, hasErrorCode(err) ? err.message : 'invalid topic pattern.');
  }
  return scope;
}

const EXACT: Record<string, CapabilityDescriptor> = {
  storage: { kind: 'storage' },
  'http:routes': { kind: 'http.routes' },
  timers: { kind: 'timers' },
  log: { kind: 'log' },
  'auth:provider': { kind: 'auth.provider' },
};

/**
 * Parses one manifest permission string (`storage`, `events:publish:<pattern>`,
 * `events:subscribe:<pattern>`, `http:routes`, `system:read:<area|*>`, `net:fetch:<origin>`,
 * `crypto:<op>`, `services:call:<plugin>.<service>`, `timers`, `log`, `auth:provider`) into
 * its descriptor, normalising the scope (origins). Throws OMEGA_ERR_MANIFEST_INVALID naming
 * the string and what is wrong.
 */
export function parseCapability(s: string): CapabilityDescriptor {
  if (typeof s !== 'string' || s.length === 0) invalid(String(s), 'must be a non-empty string.');
  if (s.length > 512) invalid(s, 'is longer than 512 characters.');
  const exact = EXACT[s];
  if (exact !== undefined && Object.hasOwn(EXACT, s)) return { ...exact };

  let scope = scopeAfter(s, 'events:publish:');
  if (scope !== null) return { kind: 'events.publish', topic: topicScope(s, scope) };
  scope = scopeAfter(s, 'events:subscribe:');
  if (scope !== null) return { kind: 'events.subscribe', topic: topicScope(s, scope) };

  scope = scopeAfter(s, 'system:read:');
  if (scope !== null) {
    if (scope === '*' || isSystemArea(scope)) return { kind: 'system.read', area: scope };
    invalid(s, `unknown system area ${show(scope)}; use * or one of ${SYSTEM_AREAS.join(', ')}.`);
  }

  scope = scopeAfter(s, 'net:fetch:');
  if (scope !== null) {
    // `*` in a manifest: "the origins the operator grants" (declared ∩ granted narrows it).
    if (scope === '*') return { kind: 'net.fetch', origin: '*' };
    try {
      return { kind: 'net.fetch', origin: normalizeOrigin(scope) };
    } catch (err) {
      invalid(s, hasErrorCode(err) ? err.message : 'invalid origin.');
    }
  }

  scope = scopeAfter(s, 'crypto:');
  if (scope !== null) {
    if (isCryptoOp(scope)) return { kind: 'crypto', op: scope };
    invalid(s, `unknown crypto operation ${show(scope)}; use sign, verify, hash, password, random or seal.`);
  }

  scope = scopeAfter(s, 'services:call:');
  if (scope !== null) {
    // The auth provider's service answers the kernel only (see kernel/auth/plugin-auth-provider.ts).
    if (scope.endsWith('.auth-provider')) invalid(s, 'the auth-provider service is reserved for the kernel.');
    if (isQualifiedServiceName(scope)) return { kind: 'services.call', service: scope };
    invalid(s, `the service must be <plugin>.<service>, e.g. services:call:nodes.capacity.`);
  }

  return invalid(
    s,
    'unknown permission; use storage, events:publish:<pattern>, events:subscribe:<pattern>, http:routes, ' +
      'system:read:<area|*>, net:fetch:<origin>, crypto:<op>, services:call:<plugin>.<service>, timers, log ' +
      'or auth:provider.',
  );
}
