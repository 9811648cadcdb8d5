import { invalid } from '../errors/http-error.js';

/**
 * The request body as a JSON object, or a 400 OMEGA_ERR_VALIDATION naming `body`: missing (when
 * `required`, else `{}`), or not an object (an array, a string, a number).
 */
export function bodyObject(req: { readonly body?: unknown }, required = true): Record<string, unknown> {
  const b = req.body;
  if (b === undefined || b === null) {
    if (!required) return {};
    throw invalid([{ field: 'body', message: 'a JSON object is required' }]);
  }
  if (typeof b !== 'object' || Array.isArray(b))
    throw invalid([{ field: 'body', message: 'must be a JSON object' }]);
  return b as Record<string, unknown>;
}
