import { ACCESS_TOKEN_AUDIENCE } from '../../auth/index.js';
import type { EventBus } from '../../bus/index.js';
import type { KernelCrypto } from '../../crypto/index.js';
import type { Logger } from '../../log/index.js';
import { safeFetch } from '../../net/index.js';
import type { PermissionGate } from '../../permissions/index.js';
import type { HostServices, SandboxAgents } from '../../sandbox/index.js';
import type { Storage } from '../../storage/index.js';
import type { SystemInfo } from '../../system/index.js';
import { pluginEphemeral } from './plugin-ephemeral.js';
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

/** A plugin's storage quota unless configured: 64 MiB. */
export const DEFAULT_PLUGIN_STORAGE_QUOTA = 64 * 1024 * 1024;

/**
 * What one plugin's host calls reach: its own storage namespace (under a quota), the bus, system reads,
 * crypto operations (never keys), outbound fetch re-checked against its gate on every
 * redirect, other plugins' services, and a log tagged with its name. The bridge has
 * already checked the permission of each call before any of these run.
 */
export function hostServicesFor(
  plugin: { name: string; version: string },
  gate: PermissionGate,
  k: KernelServices,
): HostServices {
  const caller = { plugin: plugin.name, version: plugin.version };
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
    }),
    ephemeral: pluginEphemeral(k.storage, plugin.name),
    ...(k.agents ? { agents: k.agents } : {}),
    bus: k.bus,
    system: k.system,
    crypto: k.crypto,
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
