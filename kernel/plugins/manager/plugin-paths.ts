import { join } from 'node:path';
import type { KernelConfig } from '../../config/index.js';
import { PACKAGE_ROOT } from '../../package-root.js';

/** The repository's plugins/ folder, where the core plugins ship. */
export const BUNDLED_PLUGINS_DIR = join(PACKAGE_ROOT, 'plugins');

/** Where plugins are found and granted, from the config with its defaults applied. */
export function pluginPaths(config: KernelConfig): { dirs: string[]; grantsFile: string } {
  const dirs = [
    ...(config.plugins.dirs ?? [BUNDLED_PLUGINS_DIR]),
    config.plugins.installedDir ?? join(config.dataDir, 'plugins'),
  ];
  const grantsFile = config.plugins.grantsFile ?? join(config.dataDir, 'grants.json');
  return { dirs, grantsFile };
}
