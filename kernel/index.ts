/*
 * The kernel's public index: what the composition root (cli/), the marketplace and the
 * plugin test harness may use. Nothing outside kernel/ imports a kernel module by its path
 * (tests/architecture/arrows.test.ts holds everyone to that).
 */
export { adminTokenPath } from './auth/index.js';
export type { BusEvent, EventBus } from './bus/index.js';
export { type KernelConfig, type KernelConfigInput, loadConfig, parseConfig } from './config/index.js';
export { writeFileAtomic } from './crypto/write-file-atomic.js';
export { defineRoute, type RouteSpec } from './http/route.js';
export { type Kernel, type KernelState, startKernel } from './kernel.js';
export { createLogger, exitOnFatal, type Logger } from './log/index.js';
export { discoverPlugins, loadGrants } from './plugins/index.js';
export {
  type InstallResult,
  type InstallTarget,
  installVerified,
  trustedPublishersFile,
  trustPublisher,
  type VerifiedPlugin,
  verifyPluginArchive,
} from './plugins/install/index.js';
export { type PluginManager, type PluginView, pluginPaths } from './plugins/manager/index.js';
export { type NamespaceView, writeFileDurable } from './storage/index.js';
export { KERNEL_VERSION } from './version.js';
