import type { JsonSchema } from '../route.js';
import { compileSchema } from './schema-compilers.js';

/**
 * Whether a plugin route's declared body schema lets a request leave the body out: the kernel
 * validates an absent body as `undefined` (see compileRouteValidator), so this is exactly that
 * check — true for a schema without a top-level `type` (e.g. an optional body written as an
 * object's properties plus `not` the other JSON types), false for `{ type: 'object', … }`. The
 * OpenAPI document says `requestBody.required` from it. A schema that does not compile is
 * treated as requiring a body (the plugin is refused anyway).
 */
export function acceptsAbsentBody(schema: JsonSchema): boolean {
  try {
    return compileSchema(schema, 'body')(undefined);
  } catch {
    return false;
  }
}
