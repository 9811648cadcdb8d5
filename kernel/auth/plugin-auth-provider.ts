import type { ServiceCaller } from '@omega/protocol';
import { z } from 'zod';
import { omegaError } from '../errors/index.js';
import { KERNEL_VERSION } from '../version.js';
import type { AuthProvider } from './auth-provider.js';

/**
 * The service a provider plugin declares for the kernel's questions. The name is reserved:
 * no plugin may declare `services:call:<plugin>.auth-provider` (parseCapability refuses it),
 * so only the kernel reaches it.
 */
export const AUTH_PROVIDER_SERVICE = 'auth-provider';

/** Whether a manifest declares the auth-provider service (with `auth:provider` granted, it answers sign-in). */
export const declaresAuthProviderService = (m: { services: ReadonlyArray<{ name: string }> }): boolean =>
  m.services.some((s) => s.name === AUTH_PROVIDER_SERVICE);

/** The kernel as a service caller (plugins see `caller.plugin === 'kernel'`, a reserved name). */
const KERNEL_CALLER: ServiceCaller = { plugin: 'kernel', version: KERNEL_VERSION };

/** What the adapter needs from the plugin manager (structural, so kernel/auth stays below it). */
export interface ProviderHost {
  /**
   * The running plugin that may answer as the auth provider: it declares the
   * `auth-provider` service and holds `auth:provider` (declared ∩ granted, no deny).
   */
  authProvider(): string | undefined;
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

/**
 * The auth provider as the kernel sees it: the first running plugin holding `auth:provider` and
 * declaring the `auth-provider` service, looked up on each call (so a reload or quarantine is
 * followed) from what the manager decided at the plugin's start, not by rebuilding every
 * plugin's view and a permission gate. Answers are untrusted plugin output: validated before use.
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
    const found = host.authProvider();
    if (found === undefined) return undefined;
    if (found !== lastName || !cached) {
      lastName = found;
      cached = make(found);
    }
    return cached;
  };
}
