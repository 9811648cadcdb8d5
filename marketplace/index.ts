export { attachMarketplace } from './api/attach-marketplace.js';
export { marketplaceRoutes } from './api/marketplace-routes.js';
export {
  type ChangeRequest,
  createMarketplace,
  type Marketplace,
  type MarketplaceOptions,
  type Plan,
  type PlanStep,
} from './client/create-marketplace.js';
export { type DownloadProgress, isHttpSource, readSource } from './client/read-source.js';
export {
  METADATA_CAPS,
  refreshMetadata,
  trustRoot,
  type VerifiedMetadata,
} from './client/refresh-metadata.js';
export { type SourceEntry, sourceRegistry } from './client/source-registry.js';
