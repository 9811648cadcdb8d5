import { createHash } from 'node:crypto';
import type { Context } from 'hono';
import { omegaError } from '../errors/index.js';
import { readCappedBody } from './read-capped-body.js';

/**
 * For signed requests: the body's SHA-256 must be the one the signature covers, so a signed
 * request cannot carry a swapped body. Reads the body once (capped at `limit`) and returns its
 * bytes for the JSON parser; with `keep`, reads a copy instead, for a route that reads the
 * original body itself.
 */
export async function checkBodyDigest(
  c: Context,
  expected: string,
  limit: number,
  keep = false,
): Promise<Uint8Array> {
  const bytes = await readCappedBody(keep ? c.req.raw.clone() : c.req.raw, limit);
  const hash = createHash('sha256').update(bytes);
  if (hash.digest('hex') !== expected) {
    throw omegaError(
      'OMEGA_ERR_TOKEN_INVALID',
      'The request signature is not valid: the body is not the one signed.',
      {
        reason: 'body',
      },
    );
  }
  return bytes;
}
