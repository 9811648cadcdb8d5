/*
 * The kernel's public index: what the composition root (cli/), the marketplace and the
 * plugin test harness may use. Nothing outside kernel/ imports a kernel module by its path
 * (tests/architecture/arrows.test.ts holds everyone to that).
 */
export {
  ADMIN_PRINCIPAL,
  adminTokenPath,
  type BreakGlassResult,
  breakGlass,
  declaresAuthProviderService,
  MAX_BREAK_GLASS_SEC,
} from './auth/index.js';
export type { BusEvent, EventBus } from './bus/index.js';
export { type KernelConfig, type KernelConfigInput, loadConfig, parseConfig } from './config/index.js';
export { writeFileAtomic } from './crypto/write-file-atomic.js';
export { readCappedBody } from './http/read-capped-body.js';
export { defineRoute, type RouteSpec } from './http/route.js';
export { type Kernel, type KernelState, startKernel } from './kernel.js';
export { createLogger, exitOnFatal, type Logger } from './log/index.js';
export { discoverPlugins, loadGrants } from './plugins/index.js';
export {
  archivedPluginFiles,
  checkInstallable,
  corePluginNames,
  type InstalledPlugin,
  type InstallResult,
  type InstallTarget,
  installVerified,
  loadTrustedPublishers,
  MAX_ARCHIVE_BYTES,
  readInstalledPlugin,
  trustedPublishersFile,
  trustPublisher,
  type VerifiedPlugin,
  verifyPluginArchive,
} from './plugins/install/index.js';
export {
  type PluginManager,
  type PluginView,
  pluginPaths,
  requireAuthProviderConsent,
} from './plugins/manager/index.js';
export { panelConsents } from './plugins/ui/index.js';
export { type NamespaceView, writeFileDurable } from './storage/index.js';
export { KERNEL_VERSION } from './version.js';
