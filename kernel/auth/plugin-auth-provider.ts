import type { ServiceCaller } from '@omega/protocol';
import { z } from 'zod';
import { omegaError } from '../errors/index.js';
import { createPermissionGate } from '../permissions/index.js';
import { KERNEL_VERSION } from '../version.js';
import type { AuthProvider } from './auth-provider.js';

/**
 * The service a provider plugin declares for the kernel's questions. The name is reserved:
 * no plugin may declare `services:call:<plugin>.auth-provider` (parseCapability refuses it),
 * so only the kernel reaches it.
 */
export const AUTH_PROVIDER_SERVICE = 'auth-provider';

/** The kernel as a service caller (plugins see `caller.plugin === 'kernel'`, a reserved name). */
const KERNEL_CALLER: ServiceCaller = { plugin: 'kernel', version: KERNEL_VERSION };

/** What the adapter needs from the plugin manager (structural, so kernel/auth stays below it). */
export interface ProviderHost {
  list(): Array<{
    name: string;
    status: string;
    services: string[];
    permissions: { declared: string[]; granted: string[]; denied: string[] };
  }>;
  services: { call(service: string, args: unknown, caller: ServiceCaller): Promise<unknown> };
}

const principal = z.object({
  id: z.string().min(1).max(128),
  kind: z.enum(['user', 'api-token', 'node']),
  permissions: z.array(z.string().max(256)).max(512),
  denied: z.array(z.string().max(256)).max(512),
  name: z.string().max(256).optional(),
  credentialId: z.string().min(1).max(128),
  expiresAt: z.number().int().positive().optional(),
});
const answers = {
  introspect: z.object({ active: z.boolean() }),
  resolveApiToken: principal.nullable(),
  resolveAgentKey: z.object({ publicKey: z.string().max(128), principal }).nullable(),
  bootstrapStatus: z.object({ needed: z.boolean() }),
  armBootstrap: z.object({ armed: z.literal(true) }),
};

/** True when `p` is running and may answer as the auth provider (declared ∩ granted, no deny). */
function mayProvide(p: ReturnType<ProviderHost['list']>[number]): boolean {
  if (p.status !== 'running' || !p.services.includes(`${p.name}.${AUTH_PROVIDER_SERVICE}`)) return false;
  try {
    return createPermissionGate({ plugin: p.name, ...p.permissions }).allows({ kind: 'auth.provider' });
  } catch {
    return false;
  }
}

/**
 * The auth provider as the kernel sees it: the first running plugin holding `auth:provider` and
 * declaring the `auth-provider` service, looked up on each call (so a reload or quarantine is
 * followed). Answers are untrusted plugin output: validated before use.
 */
export function pluginAuthProvider(host: ProviderHost): () => AuthProvider | undefined {
  let lastName: string | undefined;
  const make = (name: string): AuthProvider => {
    const ask = async <K extends keyof typeof answers>(op: K, args: Record<string, unknown>) => {
      const raw = await host.services.call(
        `${name}.${AUTH_PROVIDER_SERVICE}`,
        { op, ...args },
        KERNEL_CALLER,
      );
      const parsed = answers[op].safeParse(raw);
      if (!parsed.success) {
        throw omegaError('OMEGA_ERR_PLUGIN_FAILED', `The auth provider "${name}" answered ${op} malformed.`, {
          plugin: name,
        });
      }
      return parsed.data as z.output<(typeof answers)[K]>;
    };
    return {
      name,
      introspect: (q) => ask('introspect', { ...q }),
      resolveApiToken: (token) => ask('resolveApiToken', { token }),
      resolveAgentKey: (keyId) => ask('resolveAgentKey', { keyId }),
      bootstrapStatus: () => ask('bootstrapStatus', {}),
      armBootstrap: async (secretSha256) => {
        await ask('armBootstrap', { secretSha256 });
      },
    };
  };
  let cached: AuthProvider | undefined;
  return () => {
    const found = host.list().find(mayProvide);
    if (!found) return undefined;
    if (found.name !== lastName || !cached) {
      lastName = found.name;
      cached = make(found.name);
    }
    return cached;
  };
}
