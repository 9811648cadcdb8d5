/** What `omega-plugin build` reads for the routes' schemas (see ./routes/route-schemas.ts). */
export { routeSchemas } from './routes/route-schemas.js';
