import { join } from 'node:path';
import type { Kernel } from '../../kernel/index.js';
import { KERNEL_VERSION, pluginPaths, trustedPublishersFile } from '../../kernel/index.js';
import {
  createMarketplace,
  type Marketplace,
  type MarketplaceOptions,
} from '../client/create-marketplace.js';
import { marketplaceRoutes } from './marketplace-routes.js';

/**
 * Gives a running kernel its marketplace client and admin routes (`/api/v1/marketplace/…`).
 * The kernel never imports the marketplace; whoever starts the kernel attaches it.
 */
export function attachMarketplace(
  kernel: Kernel,
  opts: Partial<Pick<MarketplaceOptions, 'healthWindowMs' | 'now' | 'onProgress'>> = {},
): { marketplace: Marketplace; detach(): void } {
  const paths = pluginPaths(kernel.config);
  const marketplace = createMarketplace({
    dataDir: kernel.config.dataDir,
    kernelVersion: KERNEL_VERSION,
    plugins: kernel.plugins,
    install: {
      installedDir: paths.dirs.at(-1) ?? join(kernel.config.dataDir, 'plugins'),
      bundledDirs: paths.dirs.slice(0, -1),
      grantsFile: paths.grantsFile,
      trustFile: trustedPublishersFile(kernel.config.dataDir),
      kernelVersion: KERNEL_VERSION,
      start: (name) => kernel.plugins.load(name),
    },
    publish: (topic, data) => {
      kernel.bus.publish(topic, data);
    },
    ...opts,
    onProgress:
      opts.onProgress ??
      ((p) => {
        if (p.total === undefined || p.received === p.total)
          kernel.bus.publish('marketplace.download.progress', p);
      }),
  });
  const undo = marketplaceRoutes(marketplace).map((r) => kernel.routes.add(r));
  return { marketplace, detach: () => undo.forEach((u) => void u()) };
}
