/*
 * @omega/protocol/archive: the signed plugin archive — bundle integrity, the publisher's signing
 * payload and key id, and the archive encoding. Node-only (node:crypto, node:zlib), so it is
 * kept out of the main entry, which plugins bundle into their isolate.
 */
export { computeIntegrity, verifyIntegrity } from './integrity.js';
export {
  decodeArchive,
  encodeArchive,
  PLUGIN_ARCHIVE_FORMAT,
  PLUGIN_ARCHIVE_FORMAT_UI,
  type PluginArchive,
} from './plugin-archive.js';
export { jwkThumbprint, type PublisherJwk, publisherKey } from './publisher-key.js';
export { type SignedPluginClaims, signingPayload } from './signing-payload.js';
export {
  computeUiIntegrity,
  MAX_UI_BYTES,
  MAX_UI_FILES,
  readUiFolder,
} from './ui-integrity.js';
