import type { Context } from 'hono';
import type { z } from 'zod';
import { omegaError } from '../errors/index.js';
import { jsonDepthWithin } from '../sandbox/json-guard.js';
import { readHeader } from './node-bindings.js';
import { readCappedBody } from './read-capped-body.js';

/** Deepest nesting a request body may have: real API objects are shallow; deep ones only cost. */
export const MAX_BODY_DEPTH = 64;

const JSON_TYPE = /^application\/(?:[a-z0-9.+-]+\+)?json\s*(?:;|$)/i;
const CHARSET = /;\s*charset\s*=\s*"?([^";\s]*)/i;
/** A `\uD800`–`\uDFFF` escape: the only way a lone surrogate gets into a body read as UTF-8. */
const SURROGATE_ESCAPE = /\\u[dD][89a-fA-F][0-9a-fA-F]{2}/;
const utf8 = new TextDecoder('utf-8', { fatal: true });

/** A code point that is a surrogate on its own (a pair reads as one code point under `u`). */
const LONE_SURROGATE = /\p{Cs}/u;

/** Whether every string (and key) in a parsed JSON value is well-formed UTF-16. */
function wellFormed(v: unknown): boolean {
  if (typeof v === 'string') return !LONE_SURROGATE.test(v);
  if (v === null || typeof v !== 'object') return true;
  if (Array.isArray(v)) return v.every(wellFormed);
  for (const [k, x] of Object.entries(v)) if (LONE_SURROGATE.test(k) || !wellFormed(x)) return false;
  return true;
}

/**
 * Reads a JSON request body: 415 unless the content type is JSON in UTF-8 and the body is not
 * compressed (a Content-Encoding other than identity was ignored: a gzip body failed as "not
 * UTF-8", a plain one sent as gzip was taken), 413 past `limit` (checked while streaming, not only
 * from Content-Length), 400 for bytes that are not UTF-8 JSON or for a string holding a lone
 * surrogate (`"\ud800"`: stored as it is, it made every later answer that held it invalid for
 * strict JSON readers such as jq), and 400 naming every bad field when a schema rejects it.
 * `read` is the body when it was already read (a signed request's, read once for its digest).
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
  const charset = CHARSET.exec(type)?.[1]?.toLowerCase();
  if (charset !== undefined && charset !== 'utf-8' && charset !== 'utf8') {
    throw omegaError(
      'OMEGA_ERR_UNSUPPORTED_MEDIA_TYPE',
      `The body must be UTF-8 JSON, got charset "${charset.slice(0, 40)}"; send it as UTF-8 (or name no charset).`,
    );
  }
  const encoding = readHeader(c, 'content-encoding')?.trim().toLowerCase();
  if (encoding && encoding !== 'identity') {
    throw omegaError(
      'OMEGA_ERR_UNSUPPORTED_MEDIA_TYPE',
      `A body with Content-Encoding "${encoding.slice(0, 40)}" is not accepted: send it uncompressed, without the header.`,
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
    if (SURROGATE_ESCAPE.test(text) && !wellFormed(value)) {
      throw omegaError(
        'OMEGA_ERR_BAD_JSON',
        'The body holds a string with a lone UTF-16 surrogate (an unpaired \\uD800–\\uDFFF escape): send text as UTF-8, or each escape with its pair.',
      );
    }
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
