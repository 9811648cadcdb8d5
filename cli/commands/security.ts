import { appendFile, writeFile } from 'node:fs/promises';
import { userInfo } from 'node:os';
import { join, resolve } from 'node:path';
import { ACCESS_TOKEN_AUDIENCE } from '../../kernel/auth/index.js';
import { openCrypto } from '../../kernel/crypto/index.js';
import { type Command, UsageError } from '../command.js';

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
 * restarting — since a running provider does not know it. The token goes to
 * `<dataDir>/break-glass-token` (0600); each use is appended to `<dataDir>/break-glass.log`.
 */
export async function breakGlass(dataDir: string, ttlSec: number): Promise<BreakGlassResult> {
  const crypto = await openCrypto({ dataDir });
  const jti = `bg-${crypto.randomId(12)}`;
  const token = await crypto.signJwt(
    { perms: ['*'], deny: [], name: 'break-glass' },
    { subject: 'break-glass', audience: ACCESS_TOKEN_AUDIENCE, expiresInSec: ttlSec, jti },
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

/** `omega security break-glass`: an admin token for a kernel whose security plugin is down. */
export const securityCommand: Command = {
  name: 'security',
  summary: 'Break-glass access when the security plugin is quarantined (run on the kernel machine).',
  usage: 'omega security break-glass [--data-dir DIR] [--ttl SECONDS]',
  options: {
    'data-dir': { type: 'string', description: 'The kernel data directory (default ./data)' },
    ttl: {
      type: 'string',
      description: `Token lifetime in seconds (default 900, at most ${MAX_BREAK_GLASS_SEC})`,
    },
  },
  async run(values, positionals) {
    if (positionals[0] !== 'break-glass')
      throw new UsageError('omega security: the only action is break-glass');
    const ttl = values.ttl === undefined ? 900 : Number(values.ttl);
    if (!Number.isInteger(ttl) || ttl < 60 || ttl > MAX_BREAK_GLASS_SEC) {
      throw new UsageError(`--ttl must be whole seconds between 60 and ${MAX_BREAK_GLASS_SEC}`);
    }
    const dataDir = resolve(typeof values['data-dir'] === 'string' ? values['data-dir'] : 'data');
    const r = await breakGlass(dataDir, ttl);
    process.stdout.write(
      `break-glass admin token written to ${r.tokenFile} (mode 0600), valid until ${r.expiresAt}; logged in ${r.logFile}.\n` +
        'It works only while the security plugin is down. Lift the quarantine with:\n' +
        `  omega plugin reload security --token "$(cat ${r.tokenFile})"\n`,
    );
    return 0;
  },
};
