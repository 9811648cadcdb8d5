export {
  decodeArchive,
  encodeArchive,
  PLUGIN_ARCHIVE_FORMAT,
  type PluginArchive,
  type SignedPluginClaims,
  signingPayload,
} from '@omega/protocol/archive';
export {
  type InstallConsent,
  type InstallResult,
  type InstallTarget,
  installPlugin,
  installVerified,
} from './install-plugin.js';
export { placePlugin } from './place-plugin.js';
export { MAX_ARCHIVE_BYTES, pluginInstallRoute } from './plugin-install-route.js';
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
