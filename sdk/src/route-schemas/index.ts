/**
 * `@omega/sdk/route-schemas`: zod helpers for a plugin's src/route-schemas.ts. Build-time only —
 * the build evaluates route-schemas.ts in Node and keeps its JSON Schema; zod (an optional peer
 * dependency of the sdk) never reaches the plugin bundle. Runtime code imports schemas type-only.
 */
export { jsonSchemaField } from './json-schema-field.js';
export { optionalBody } from './optional-body.js';
