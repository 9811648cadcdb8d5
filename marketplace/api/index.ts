export { attachMarketplace } from './attach-marketplace.js';
export { fileInstallRoute } from './file-install-route.js';
export { marketplaceRoutes } from './marketplace-routes.js';
