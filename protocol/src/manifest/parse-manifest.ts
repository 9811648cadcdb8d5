import type { z } from 'zod';
import { omegaError } from '../errors/index.js';
import { manifestSchema, type PluginManifest } from './manifest-schema.js';

/** A zod issue path as a reader writes it: `routes[2].permission`. */
export function formatFieldPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else if (typeof key === 'string' && /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(key))
      out += out === '' ? key : `.${key}`;
    else out += `[${JSON.stringify(String(key))}]`;
  }
  return out === '' ? '(root)' : out;
}

/** The issues of a failed parse as `{ field, message }`, in the schema's order. */
export function fieldErrors(error: z.ZodError): { field: string; message: string }[] {
  return error.issues.flatMap((i) =>
    i.code === 'unrecognized_keys'
      ? i.keys.map((key) => ({ field: formatFieldPath([...i.path, key]), message: 'is not a known field' }))
      : [{ field: formatFieldPath(i.path), message: i.message }],
  );
}

/**
 * Validates a plugin.json document (its text, or already-parsed JSON). `source` names the
 * file in errors. Throws OMEGA_ERR_MANIFEST_INVALID naming the file and the first bad field
 * (`routes[2].permission`), with every problem in `errors`.
 */
export function parseManifest(json: unknown, source: string): PluginManifest {
  let doc = json;
  if (typeof json === 'string') {
    try {
      doc = JSON.parse(json);
    } catch (err) {
      throw omegaError(
        'OMEGA_ERR_MANIFEST_INVALID',
        `${source} is not valid JSON: ${(err as Error).message}`,
        {
          file: source,
        },
      );
    }
  }
  const result = manifestSchema.safeParse(doc);
  if (result.success) return result.data;
  const errors = fieldErrors(result.error);
  const first = errors[0] ?? { field: '(root)', message: 'invalid' };
  const more =
    errors.length > 1 ? ` (and ${errors.length - 1} more problem${errors.length > 2 ? 's' : ''})` : '';
  throw omegaError('OMEGA_ERR_MANIFEST_INVALID', `${source}: ${first.field}: ${first.message}${more}`, {
    file: source,
    field: first.field,
    errors,
  });
}
