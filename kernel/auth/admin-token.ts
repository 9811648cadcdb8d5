import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { chmodSync, existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { omegaError } from '../errors/index.js';
import { type Authenticator, bearerFrom } from './authenticator.js';
import type { Principal } from './principal.js';

const digest = (s: string): Buffer => createHash('sha256').update(s).digest();

/** The admin principal: every permission. */
export const ADMIN_PRINCIPAL: Principal = Object.freeze({
  id: 'admin',
  kind: 'admin-token',
  permissions: ['*'],
});

/**
 * Authenticates the static kernel admin token (until the security plugin provides users).
 * Compares SHA-256 digests in constant time, so neither length nor prefix leaks. Synchronous
 * work, so peek answers too.
 */
export function adminTokenAuthenticator(token: string): Authenticator {
  const expected = digest(token);
  // A token no client could send as a bearer (e.g. with a space) matches nothing.
  const usable = bearerFrom(`Bearer ${token}`) === token;
  const check = (bearer: string | undefined): Principal | null =>
    usable && bearer && timingSafeEqual(digest(bearer), expected) ? ADMIN_PRINCIPAL : null;
  return {
    authenticate: async ({ bearer }) => check(bearer),
    peek: ({ bearer }) => check(bearer),
  };
}

/** Where the generated admin token lives when none is configured. */
export function adminTokenPath(dataDir: string): string {
  return join(dataDir, 'admin-token');
}

/**
 * The configured admin token, or the one generated on first start and kept in
 * `<dataDir>/admin-token` (mode 0600). The token itself is never logged.
 */
export function resolveAdminToken(
  dataDir: string,
  configured?: string,
): { token: string; source: 'config' | 'file' | 'generated' } {
  if (configured) return { token: configured, source: 'config' };
  const file = adminTokenPath(dataDir);
  if (existsSync(file)) {
    if (process.platform !== 'win32' && (statSync(file).mode & 0o077) !== 0) {
      throw omegaError(
        'OMEGA_ERR_CONFIG_INVALID',
        `${file} is readable by other users; run: chmod 600 ${file}`,
        {
          file,
        },
      );
    }
    const token = readFileSync(file, 'utf8').trim();
    if (token.length < 16)
      throw omegaError(
        'OMEGA_ERR_CONFIG_INVALID',
        `${file} holds no valid token; delete it to generate a new one.`,
        { file },
      );
    return { token, source: 'file' };
  }
  const token = `omega_${randomBytes(32).toString('base64url')}`;
  writeFileSync(file, `${token}\n`, { mode: 0o600, flag: 'wx' });
  chmodSync(file, 0o600);
  return { token, source: 'generated' };
}
