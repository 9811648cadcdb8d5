import { appendFile, writeFile } from 'node:fs/promises';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { openCrypto } from '../crypto/index.js';
import { ACCESS_TOKEN_AUDIENCE } from './access-token.js';

/** The `sub` of every break-glass token. */
export const BREAK_GLASS_SUBJECT = 'break-glass';

/** Longest break-glass token lifetime, seconds. */
export const MAX_BREAK_GLASS_SEC = 3600;

/** What {@link breakGlass} wrote. */
export interface BreakGlassResult {
  tokenFile: string;
  logFile: string;
  jti: string;
  expiresAt: string;
}

/**
 * Mints a short-lived admin access token with the kernel's keyring, on the kernel's machine
 * (it reads `<dataDir>/keyring.json`: no network path leads here). The kernel accepts it only
 * while the auth provider (the security plugin) cannot answer — quarantined, disabled,
 * restarting — since a running provider knows no session for it. The token goes to
 * `<dataDir>/break-glass-token` (0600); minting is appended to `<dataDir>/break-glass.log`, and
 * the kernel publishes `kernel.break-glass.used` (durably, so event sinks ship it) when it accepts one.
 */
export async function breakGlass(dataDir: string, ttlSec: number): Promise<BreakGlassResult> {
  const crypto = await openCrypto({ dataDir });
  const jti = `bg-${crypto.randomId(12)}`;
  const token = await crypto.signJwt(
    { perms: ['*'], deny: [], name: 'break-glass' },
    { subject: BREAK_GLASS_SUBJECT, audience: ACCESS_TOKEN_AUDIENCE, expiresInSec: ttlSec, jti },
  );
  const expiresAt = new Date(Date.now() + ttlSec * 1000).toISOString();
  const tokenFile = join(dataDir, 'break-glass-token');
  const logFile = join(dataDir, 'break-glass.log');
  await writeFile(tokenFile, `${token}\n`, { mode: 0o600 });
  const line = {
    at: new Date().toISOString(),
    action: 'break-glass.token',
    jti,
    expiresAt,
    osUser: userInfo().username,
    pid: process.pid,
  };
  await appendFile(logFile, `${JSON.stringify(line)}\n`, { mode: 0o600 });
  return { tokenFile, logFile, jti, expiresAt };
}
