import { z } from 'zod';

/**
 * A field written as JSON Schema, typed `T`, where zod would write a union (`anyOf`): one schema of
 * several types (`{ type: ['integer', 'string'], minimum, pattern }`) gives one error per bad value
 * (`resources.memory: must match pattern …`) where an `anyOf` gives one per branch and one more for
 * the union. Only the build reads it (zod never validates here: the kernel does, with ajv).
 */
export const jsonSchemaField = <T>(schema: Record<string, unknown>): z.ZodType<T, T> =>
  z.any().meta(schema) as unknown as z.ZodType<T, T>;

/** The JSON values a body may not be when it is optional (undefined, no body, and null pass). */
const NOT_AN_OBJECT = { anyOf: [{ type: 'array', items: {} }, { type: ['boolean', 'number', 'string'] }] };

/**
 * An optional body: the object schema `schema`, or no body at all (the kernel validates an absent
 * body as `undefined`, which no `type: object` schema accepts). Written without `type`, so an
 * absent or null body passes and every other non-object is refused as `(body)`.
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
