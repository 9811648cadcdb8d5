export {
  type InstallConsent,
  type InstallResult,
  type InstallTarget,
  installPlugin,
  installVerified,
} from './install-plugin.js';
export { placePlugin } from './place-plugin.js';
export { decodeArchive, encodeArchive, PLUGIN_ARCHIVE_FORMAT, type PluginArchive } from './plugin-archive.js';
export { MAX_ARCHIVE_BYTES, pluginInstallRoute } from './plugin-install-route.js';
export { type SignedPluginClaims, signingPayload } from './signing-payload.js';
export {
  loadTrustedPublishers,
  publisherKey,
  type TrustedPublisher,
  trustedPublishersFile,
  trustPublisher,
} from './trusted-publishers.js';
export {
  type VerifiedPlugin,
  type VerifyArchiveOptions,
  verifyPluginArchive,
} from './verify-plugin-archive.js';
