import { AuditLog } from './audit-log.js';
import type { Ctx } from './context.js';
import { LoginLimiter } from './login-limiter.js';

/** What the plugin keeps for one activation (made by setup, handed to every route). */
export interface State {
  audit: AuditLog;
  limiter: LoginLimiter;
  /** A hash of a random password: unknown users are checked against it, so they cost the same time. */
  dummyHash: string;
}

/** Builds one activation's state: opens the audit chain, makes the dummy hash. */
export async function initState(ctx: Ctx): Promise<State> {
  const audit = new AuditLog(ctx);
  await audit.open();
  return {
    audit,
    limiter: new LoginLimiter(),
    dummyHash: await ctx.crypto.hashPassword(await ctx.crypto.random(24)),
  };
}
