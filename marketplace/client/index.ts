export {
  type ChangeRequest,
  createMarketplace,
  type Marketplace,
  type MarketplaceOptions,
} from './create-marketplace.js';
export { type DownloadProgress, isHttpSource, type ReadSourceOptions, readSource } from './read-source.js';
export {
  MAX_ROOT_STEPS,
  METADATA_CAPS,
  type RefreshOptions,
  refreshMetadata,
  trustRoot,
  type VerifiedMetadata,
} from './refresh-metadata.js';
export { type SourceEntry, type SourceRegistry, sourceRegistry } from './source-registry.js';
export { loadTrustedState, saveTrustedState, type TrustedState } from './trusted-state.js';
