export { attachMarketplace } from './attach-marketplace.js';
export { marketplaceRoutes } from './marketplace-routes.js';
