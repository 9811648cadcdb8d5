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
    auth.setAdminToken(admin.token);
    if (admin.source === 'generated') {
      logger.warn(
        { file: adminTokenPath(config.dataDir) },
        'no auth provider runs: generated an admin token; read it from this file (mode 0600)',
      );
    }
    return;
  }
  if (existsSync(adminTokenPath(config.dataDir))) {
    logger.warn(
      { file: adminTokenPath(config.dataDir) },
      'ignoring the admin-token file: the security plugin provides users (set OMEGA_ADMIN_TOKEN to opt in to a static token)',
    );
  }
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
