import { existsSync } from 'node:fs';
import {
  type AuthProvider,
  adminTokenPath,
  armBootstrap,
  BOOTSTRAP_SECRET_MIN_CHARS,
  type KernelAuth,
  resolveAdminToken,
} from '../auth/index.js';
import type { KernelConfig } from '../config/index.js';
import { omegaError } from '../errors/index.js';
import type { Logger } from '../log/index.js';

/**
 * Decides how an operator gets in once the plugins run. The static admin token is an explicit
 * opt-in (config `auth.adminToken` / OMEGA_ADMIN_TOKEN). Without it: if no auth provider runs,
 * the generated `<dataDir>/admin-token` is the only way in (the kernel before the security
 * plugin); if one runs, no token file is made or read, and while no user exists a one-time
 * bootstrap secret is armed (OMEGA_BOOTSTRAP_SECRET, or generated and printed once to stdout,
 * never to the JSON log).
 */
export async function settleAdminAccess(
  config: KernelConfig,
  auth: KernelAuth,
  provider: AuthProvider | undefined,
  logger: Logger,
  print: ((text: string) => void) | undefined,
  url: string,
): Promise<void> {
  if (config.auth.adminToken) return;
  if (!provider) {
    const admin = resolveAdminToken(config.dataDir);
    auth.setAdminToken(admin.token, { fallback: true });
    // Said every time, not only when the file is new: a disabled security plugin left the walk's
    // kernel on the file without a word.
    logger.warn(
      { file: adminTokenPath(config.dataDir), source: admin.source },
      admin.source === 'generated'
        ? 'no auth provider runs (the security plugin is disabled, refused or not installed): generated an admin token; read it from this file (mode 0600); it stops working once an auth provider runs'
        : 'no auth provider runs (the security plugin is disabled, refused or not installed): the admin token in this file is the way in until one runs',
    );
    return;
  }
  if (existsSync(adminTokenPath(config.dataDir))) {
    logger.warn(
      { file: adminTokenPath(config.dataDir) },
      'ignoring the admin-token file: the security plugin provides users (set OMEGA_ADMIN_TOKEN to opt in to a static token)',
    );
  }
  await armFirstAdmin(provider, logger, print, url);
}

/**
 * While the auth provider has no user, arms the one-time bootstrap secret (OMEGA_BOOTSTRAP_SECRET,
 * or generated and printed once to stdout, never to the JSON log): at start, and when a provider
 * first runs later (the security plugin enabled on a kernel that ran without it).
 */
export async function armFirstAdmin(
  provider: AuthProvider,
  logger: Logger,
  print: ((text: string) => void) | undefined,
  url: string,
): Promise<void> {
  const secret = process.env.OMEGA_BOOTSTRAP_SECRET;
  if (secret !== undefined && secret !== '' && secret.length < BOOTSTRAP_SECRET_MIN_CHARS) {
    // Refused, not silently replaced: the operator would otherwise wait for a secret that never works.
    throw omegaError(
      'OMEGA_ERR_CONFIG_INVALID',
      `OMEGA_BOOTSTRAP_SECRET must be at least ${BOOTSTRAP_SECRET_MIN_CHARS} characters; unset it to have one generated.`,
      { field: 'OMEGA_BOOTSTRAP_SECRET' },
    );
  }
  try {
    const armed = await armBootstrap(provider, {
      ...(secret ? { secret } : {}),
      print: print ?? ((text) => process.stdout.write(`${text}\n`)),
      url,
    });
    if (armed !== 'not-needed')
      logger.warn({ source: armed }, 'no users yet: bootstrap secret armed (not logged)');
  } catch (err) {
    logger.error({ err }, 'could not arm the bootstrap secret');
  }
}
