import { createHash } from 'node:crypto';
import type { Context } from 'hono';
import { omegaError } from '../errors/index.js';
import { readCappedBody } from './read-capped-body.js';

/**
 * For signed requests: the body's SHA-256 must be the one the signature covers, so a signed
 * request cannot carry a swapped body. Reads a copy (capped at `limit`) before the handler
 * reads the original.
 */
export async function checkBodyDigest(c: Context, expected: string, limit: number): Promise<void> {
  // A copy, so the handler can still read the original body.
  const bytes = await readCappedBody(c.req.raw.clone(), limit);
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
}
