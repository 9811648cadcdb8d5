/** The entry `omega-plugin build` bundles, relative to the plugin folder. */
export const PLUGIN_ENTRY = 'src/index.ts';
/** The author's manifest, relative to the plugin folder: no `main`, no `integrity` (the build adds them). */
export const SOURCE_MANIFEST = 'plugin.json';
/** The bundle the isolate evaluates, relative to the plugin folder. */
export const PLUGIN_BUNDLE = 'dist/plugin.js';
/**
 * The built manifest, relative to the plugin folder: the author's manifest plus `main` (the
 * bundle, relative to dist/) and `integrity`. What sign and pack sign and the kernel loads.
 */
export const BUILT_MANIFEST = 'dist/plugin.json';
/** `main` in the built manifest: the bundle beside it. */
export const BUILT_MAIN = 'plugin.js';
/**
 * The route schemas (`export const routeSchemas = defineRouteSchemas({ … })`), relative to the
 * plugin folder: evaluated by the build (never bundled), written as JSON Schema into the built manifest.
 */
export const ROUTE_SCHEMAS_SOURCE = 'src/route-schemas.ts';
