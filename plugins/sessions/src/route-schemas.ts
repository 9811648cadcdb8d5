/** What `omega-plugin build` reads for the routes' schemas (see ./api/route-schemas.ts). */
export { routeSchemas } from './api/route-schemas.js';
