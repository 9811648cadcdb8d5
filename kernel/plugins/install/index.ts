export {
  decodeArchive,
  encodeArchive,
  PLUGIN_ARCHIVE_FORMAT,
  PLUGIN_ARCHIVE_FORMAT_UI,
  type PluginArchive,
  type SignedPluginClaims,
  signingPayload,
} from '@omega/protocol/archive';
export { type ArchivedPluginFiles, archivedPluginFiles } from './archived-plugin-files.js';
export { corePluginNames } from './core-plugin-names.js';
export {
  checkInstallable,
  type InstallOptions,
  type InstallResult,
  type InstallTarget,
  installVerified,
} from './install-plugin.js';
export { INSTALL_RECORD, type InstallRecord, readInstallRecord } from './install-record.js';
export { type InstalledPlugin, readInstalledPlugin } from './installed-plugin.js';
export { MAX_ARCHIVE_BYTES } from './max-archive-bytes.js';
export { placePlugin } from './place-plugin.js';
export { trustedPublisherRoutes } from './trusted-publisher-routes.js';
export {
  loadTrustedPublishers,
  type TrustedPublisher,
  trustedPublishersFile,
  trustPublisher,
} from './trusted-publishers.js';
export {
  type VerifiedPlugin,
  type VerifyArchiveOptions,
  verifyPluginArchive,
} from './verify-plugin-archive.js';
