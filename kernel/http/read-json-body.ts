import type { Context } from 'hono';
import type { z } from 'zod';
import { omegaError } from '../errors/index.js';
import { jsonDepthWithin } from '../sandbox/json-guard.js';
import { readHeader } from './node-bindings.js';
import { readCappedBody } from './read-capped-body.js';

/** Deepest nesting a request body may have: real API objects are shallow; deep ones only cost. */
export const MAX_BODY_DEPTH = 64;

const JSON_TYPE = /^application\/(?:[a-z0-9.+-]+\+)?json\s*(?:;|$)/i;
const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Reads a JSON request body: 415 unless the content type is JSON, 413 past `limit`
 * (checked while streaming, not only from Content-Length), 400 for bytes that are not
 * UTF-8 JSON, and 400 naming every bad field when a schema rejects it. `read` is the body
 * when it was already read (a signed request's, read once for its digest).
 */
export async function readJsonBody<B>(
  c: Context,
  limit: number,
  schema?: z.ZodType<B>,
  read?: Uint8Array,
): Promise<B> {
  const type = readHeader(c, 'content-type');
  if (!type || !JSON_TYPE.test(type)) {
    throw omegaError(
      'OMEGA_ERR_UNSUPPORTED_MEDIA_TYPE',
      `Expected Content-Type application/json, got ${type ? `"${type.slice(0, 100)}"` : 'none'}.`,
    );
  }
  const bytes = read ?? (await readCappedBody(c.req.raw, limit));
  let value: unknown;
  try {
    const text = utf8.decode(bytes);
    if (!jsonDepthWithin(text, MAX_BODY_DEPTH)) {
      throw omegaError('OMEGA_ERR_BAD_JSON', `The body is nested deeper than ${MAX_BODY_DEPTH} levels.`);
    }
    value = JSON.parse(text);
  } catch (err) {
    if ((err as { code?: string }).code === 'OMEGA_ERR_BAD_JSON') throw err;
    const reason = err instanceof SyntaxError ? err.message : 'not valid UTF-8';
    throw omegaError('OMEGA_ERR_BAD_JSON', `The body is not valid JSON: ${reason.slice(0, 200)}`);
  }
  if (!schema) return value as B;
  const result = schema.safeParse(value);
  if (!result.success) {
    const errors = result.error.issues.map((i) => ({
      field: i.path.join('.') || '(body)',
      message: i.message,
    }));
    throw omegaError(
      'OMEGA_ERR_VALIDATION',
      `Invalid body: ${errors.map((e) => `${e.field}: ${e.message}`).join('; ')}`,
      {
        errors,
      },
    );
  }
  return result.data;
}
