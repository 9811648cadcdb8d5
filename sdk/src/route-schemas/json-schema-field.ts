import { z } from 'zod';

/**
 * A field written as JSON Schema, typed `T`, where zod would write a union (`anyOf`): one schema of
 * several types (`{ type: ['integer', 'string'], minimum, pattern }`) gives one error per bad value
 * (`resources.memory: must match pattern …`) where an `anyOf` gives one per branch and one more for
 * the union. Only the build reads it (zod never validates here: the kernel does, with ajv).
 *
 * @example
 * memory: jsonSchemaField<number | string>({ type: ['integer', 'string'], minimum: 0, pattern: '^[0-9]+[KMGT]i?$' })
 */
export const jsonSchemaField = <T>(schema: Record<string, unknown>): z.ZodType<T, T> =>
  z.any().meta(schema) as unknown as z.ZodType<T, T>;
