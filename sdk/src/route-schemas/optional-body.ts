import { z } from 'zod';
import { jsonSchemaField } from './json-schema-field.js';

/** The JSON values a body may not be when it is optional (undefined, no body, and null pass). */
const NOT_AN_OBJECT = { anyOf: [{ type: 'array', items: {} }, { type: ['boolean', 'number', 'string'] }] };

/**
 * An optional body: the object schema `schema`, or no body at all (the kernel validates an absent
 * body as `undefined`, which no `type: object` schema accepts). Written without `type`, so an
 * absent or null body passes and every other non-object is refused as `(body)`; `description`
 * gets " The body is optional." appended.
 *
 * @example
 * body: optionalBody(z.strictObject({ reason: z.string().optional() }), 'Why it stops.')
 */
export function optionalBody<S extends z.ZodObject>(schema: S, description: string) {
  const {
    $schema: _dialect,
    type: _object,
    ...rest
  } = z.toJSONSchema(schema, { io: 'input' }) as Record<string, unknown>;
  return jsonSchemaField<z.input<S> | undefined>({
    ...rest,
    not: NOT_AN_OBJECT,
    description: `${description} The body is optional.`,
  });
}
