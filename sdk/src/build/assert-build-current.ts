import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { omegaError } from '@omega/protocol';
import { isBuildCurrent } from './build-plugin.js';
import { bundlePlugin } from './bundle-plugin.js';

/**
 * Refuses a dist/ older than its sources: rebuilds in memory (the build is deterministic) and
 * compares with dist/plugin.js and dist/plugin.json. OMEGA_ERR_CONFLICT when they differ.
 */
export async function assertBuildCurrent(dir: string): Promise<void> {
  // Walk: with no dist/ at all it said dist "is not the build of its sources … changed since".
  if (!existsSync(join(dir, 'dist', 'plugin.json')))
    throw omegaError(
      'OMEGA_ERR_CONFLICT',
      `${dir} has no build (dist/plugin.json): run omega-plugin build first (or pack --build).`,
      { dir },
    );
  const b = await bundlePlugin(dir);
  if (await isBuildCurrent(dir, b)) return;
  throw omegaError(
    'OMEGA_ERR_CONFLICT',
    `${dir}/dist is not the build of its sources (src/, plugin.json or the UI folder changed since); run omega-plugin build (or pack --build).`,
    { dir },
  );
}
