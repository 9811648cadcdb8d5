import { AuditLog } from './audit-log.js';
import type { Ctx } from './context.js';
import { LoginLimiter } from './login-limiter.js';

/** What the plugin keeps between calls (the isolate lives as long as the plugin runs). */
export interface State {
  audit: AuditLog;
  limiter: LoginLimiter;
  /** A hash of a random password: unknown users are checked against it, so they cost the same time. */
  dummyHash: string;
}

let current: State | undefined;

/** Builds the state on activate: opens the audit chain, makes the dummy hash. */
export async function initState(ctx: Ctx): Promise<State> {
  const audit = new AuditLog(ctx);
  await audit.open();
  current = {
    audit,
    limiter: new LoginLimiter(),
    dummyHash: await ctx.crypto.hashPassword(await ctx.crypto.random(24)),
  };
  return current;
}

/** The state (activate ran before any route, service or event call). */
export function state(): State {
  if (!current) throw new Error('security plugin not activated');
  return current;
}
