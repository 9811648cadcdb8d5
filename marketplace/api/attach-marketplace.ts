import { join } from 'node:path';
import type { InstallTarget, Kernel } from '../../kernel/index.js';
import { KERNEL_VERSION, pluginPaths, trustedPublishersFile } from '../../kernel/index.js';
import {
  createMarketplace,
  type Marketplace,
  type MarketplaceOptions,
} from '../client/create-marketplace.js';
import { MARKETPLACE_TOPICS } from '../events/marketplace-topics.js';
import { fileInstallRoute } from './file-install-route.js';
import { marketplaceRoutes } from './marketplace-routes.js';

/**
 * Gives a running kernel its marketplace client and admin routes (`/api/v1/marketplace/…`),
 * and the install of a packed plugin file (`POST /api/v1/plugins/install`), both under the one
 * consent rule.
 * The kernel never imports the marketplace; whoever starts the kernel attaches it.
 */
export function attachMarketplace(
  kernel: Kernel,
  opts: Partial<
    Pick<
      MarketplaceOptions,
      'healthWindowMs' | 'now' | 'onProgress' | 'downloadTimeoutMs' | 'downloadStallMs'
    >
  > = {},
): { marketplace: Marketplace; detach(): void } {
  const paths = pluginPaths(kernel.config);
  const install: InstallTarget = {
    installedDir: paths.dirs.at(-1) ?? join(kernel.config.dataDir, 'plugins'),
    bundledDirs: paths.dirs.slice(0, -1),
    grantsFile: paths.grantsFile,
    trustFile: trustedPublishersFile(kernel.config.dataDir),
    kernelVersion: KERNEL_VERSION,
    start: (name) => kernel.plugins.load(name),
  };
  const lastSent = new Map<string, number>();
  const marketplace = createMarketplace({
    dataDir: kernel.config.dataDir,
    kernelVersion: KERNEL_VERSION,
    plugins: kernel.plugins,
    install,
    publish: (topic, data) => {
      kernel.bus.publish(topic, data);
    },
    ...opts,
    onProgress:
      opts.onProgress ??
      ((p) => {
        // At most two events a second per download, and always its end (the CLI shows them).
        const now = Date.now();
        const last = lastSent.get(p.path) ?? 0;
        const end = p.total !== undefined && p.received >= p.total;
        if (!end && now - last < 500) return;
        if (end) lastSent.delete(p.path);
        else lastSent.set(p.path, now);
        kernel.bus.publish(MARKETPLACE_TOPICS.downloadProgress, p);
      }),
  });
  const undo = [fileInstallRoute(install), ...marketplaceRoutes(marketplace)].map((r) =>
    kernel.routes.add(r),
  );
  return { marketplace, detach: () => undo.forEach((u) => void u()) };
}
