import { ACCESS_TOKEN_AUDIENCE } from '../../auth/index.js';
import type { EventBus } from '../../bus/index.js';
import type { KernelCrypto } from '../../crypto/index.js';
import type { Logger } from '../../log/index.js';
import { safeFetch } from '../../net/index.js';
import type { PermissionGate } from '../../permissions/index.js';
import type { HostServices, SandboxAgents, SandboxCrypto } from '../../sandbox/index.js';
import type { Storage } from '../../storage/index.js';
import type { SystemInfo } from '../../system/index.js';
import { DEFAULT_EPHEMERAL_LIMITS, pluginEphemeral } from './plugin-ephemeral.js';
import type { ServiceRegistry } from './service-registry.js';

/** The kernel services plugins' host calls are served by. */
export interface KernelServices {
  storage: Storage;
  bus: EventBus;
  system: SystemInfo;
  crypto: KernelCrypto;
  services: ServiceRegistry;
  logger: Logger;
  /** Outbound fetch policy: ports of the kernel itself are never reachable. */
  fetch: { forbidPorts: number[]; allowPrivate: boolean; maxBytes: number; timeoutMs: number };
  /** Most bytes each plugin's storage namespace may hold (default {@link DEFAULT_PLUGIN_STORAGE_QUOTA}). */
  storageQuotaBytes?: number;
  /** The node agents' gateway (kernel/agents), reached only through the agents:gateway capability. */
  agents?: SandboxAgents;
}

/** The crypto operations a plugin may be granted: the kernel's, with MACs under a key of its own. */
function pluginCrypto(c: KernelCrypto, name: string): SandboxCrypto {
  const domain = `plugin:${name}`;
  return {
    signJws: (p) => c.signJws(p),
    verifyJws: (jws) => c.verifyJws(jws),
    hash: (alg, data) => c.hash(alg, data),
    hashPassword: (p) => c.hashPassword(p),
    verifyPassword: (p, stored) => c.verifyPassword(p, stored),
    randomId: (bytes) => c.randomId(bytes),
    seal: (plaintext, aad) => c.seal(plaintext, aad),
    open: (sealed, aad) => c.open(sealed, aad),
    mac: (data) => c.macFor(domain, data),
    verifyMac: (data, mac) => c.verifyMacFor(domain, data, mac),
  };
}

/** A plugin's storage quota unless configured: 64 MiB. */
export const DEFAULT_PLUGIN_STORAGE_QUOTA = 64 * 1024 * 1024;

/** Room in a list answer for what is not a record: the page's envelope and its cursor. */
const PAGE_ENVELOPE_BYTES = 4096;

/**
 * What one plugin's host calls reach: its own storage namespace (under a quota), the bus, system reads,
 * crypto operations (never keys), outbound fetch re-checked against its gate on every
 * redirect, other plugins' services, and a log tagged with its name. The bridge has
 * already checked the permission of each call before any of these run. A page of
 * storage.list holds at most the plugin's `maxCallBytes` (its per-call limit) of JSON in UTF-8
 * bytes, a page of ephemeral.list as many characters (what the isolate parses at once; the
 * stores count characters): a larger one ends early, with a cursor to the rest.
 */
export function hostServicesFor(
  plugin: { name: string; version: string },
  gate: PermissionGate,
  k: KernelServices,
  maxCallBytes: number,
): HostServices {
  const caller = { plugin: plugin.name, version: plugin.version };
  const pageBytes = Math.max(1, maxCallBytes - PAGE_ENVELOPE_BYTES);
  const allowOrigin = (origin: string): boolean => {
    try {
      gate.check({ kind: 'net.fetch', origin });
      return true;
    } catch {
      return false;
    }
  };
  return {
    log: k.logger.child({ plugin: plugin.name }),
    storage: k.storage.namespace(plugin.name, {
      quotaBytes: k.storageQuotaBytes ?? DEFAULT_PLUGIN_STORAGE_QUOTA,
      pageBytes,
    }),
    ephemeral: pluginEphemeral(k.storage, plugin.name, { ...DEFAULT_EPHEMERAL_LIMITS, pageChars: pageBytes }),
    ...(k.agents ? { agents: k.agents } : {}),
    bus: k.bus,
    system: k.system,
    crypto: pluginCrypto(k.crypto, plugin.name),
    // The caller's identity comes from the channel, never from the arguments.
    services: { call: (service, args) => k.services.call(service, args, caller) },
    // Reached only through auth.signToken, which the bridge lets through for auth:provider alone.
    auth: {
      signAccessToken: (sub, claims, ttlSec) =>
        k.crypto.signJwt(
          {
            perms: claims.perms,
            deny: claims.deny,
            ...(claims.fam !== undefined ? { fam: claims.fam } : {}),
            ...(claims.name !== undefined ? { name: claims.name } : {}),
          },
          { subject: sub, audience: ACCESS_TOKEN_AUDIENCE, expiresInSec: ttlSec, jti: claims.jti },
        ),
    },
    fetch: (url, init, signal) =>
      safeFetch(url, init ?? {}, {
        ...(signal ? { signal } : {}),
        allowOrigin,
        timeoutMs: Math.min(init?.timeoutMs ?? k.fetch.timeoutMs, k.fetch.timeoutMs),
        maxBytes: k.fetch.maxBytes,
        forbidPorts: k.fetch.forbidPorts,
        allowPrivate: k.fetch.allowPrivate,
      }),
  };
}
