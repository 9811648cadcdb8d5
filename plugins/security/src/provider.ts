import { pluginError, type ServiceCaller } from '@omega/sdk';
import { resolveAgentKey } from './agents.js';
import { resolveApiToken } from './api-tokens.js';
import { armBootstrapSecret } from './bootstrap.js';
import type { Ctx } from './context.js';
import { getSession } from './sessions.js';
import { anyUser, getUser } from './users.js';

const str = (v: unknown, max = 512): string | undefined =>
  typeof v === 'string' && v.length > 0 && v.length <= max ? v : undefined;

/**
 * The `auth-provider` service: the kernel's questions (only the kernel can call it; the
 * service name is reserved). Verified access tokens are checked against their session and
 * user; API tokens and agent keys are resolved; bootstrap is reported and armed.
 */
export async function authProvider(args: unknown, ctx: Ctx, caller: ServiceCaller): Promise<unknown> {
  // Defence in depth: the manifest grammar already reserves this service for the kernel.
  if (caller.plugin !== 'kernel')
    throw pluginError('OMEGA_ERR_FORBIDDEN', 'Only the kernel asks the auth provider.');
  const a = (args ?? {}) as Record<string, unknown>;
  switch (a.op) {
    case 'introspect': {
      const sub = str(a.sub);
      if (!sub) return { active: false };
      const user = await getUser(ctx, sub);
      if (!user || user.disabled) return { active: false };
      const fam = str(a.fam);
      if (fam === undefined) return { active: false };
      const session = await getSession(ctx, fam);
      return { active: !!session && !session.value.revoked && session.value.userId === sub };
    }
    case 'resolveApiToken': {
      const token = str(a.token, 1024);
      return token ? resolveApiToken(ctx, token, (id) => getUser(ctx, id)) : null;
    }
    case 'resolveAgentKey': {
      const keyId = str(a.keyId, 64);
      return keyId ? resolveAgentKey(ctx, keyId) : null;
    }
    case 'bootstrapStatus':
      return { needed: !(await anyUser(ctx)) };
    case 'armBootstrap': {
      const h = str(a.secretSha256, 64);
      if (!h || !/^[0-9a-f]{64}$/.test(h)) throw new Error('armBootstrap needs a SHA-256 hex digest');
      await armBootstrapSecret(ctx, h);
      return { armed: true };
    }
    default:
      throw new Error('unknown auth-provider operation');
  }
}
