import { isoTime } from '@omega/sdk';
import type { Ctx } from './context.js';

const META = 'meta';
const KEY = 'bootstrap';

/**
 * The one-time bootstrap secret, by hash. The kernel generates (or takes from
 * OMEGA_BOOTSTRAP_SECRET) the secret, shows it to the operator, and hands only its SHA-256
 * here; it is consumed by the first successful `POST /bootstrap`, and refused once any user exists.
 */
export async function armBootstrapSecret(ctx: Ctx, secretSha256: string): Promise<void> {
  await ctx.storage.set(META, KEY, { secretSha256, armedAt: isoTime(Date.now()) });
}

/** True when `secret` is the armed bootstrap secret (which is then consumed). */
export async function consumeBootstrapSecret(ctx: Ctx, secret: string): Promise<boolean> {
  const rec = await ctx.storage.get<{ secretSha256: string }>(META, KEY);
  if (!rec) return false;
  if ((await ctx.crypto.hash('sha256', secret)) !== rec.value.secretSha256) return false;
  try {
    // Only one request can consume it: a concurrent one fails on the version.
    await ctx.storage.delete(META, KEY, { expectedVersion: rec.version });
  } catch {
    return false;
  }
  return true;
}
