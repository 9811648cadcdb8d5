import { createHash } from 'node:crypto';
import type { Context } from 'hono';
import { omegaError } from '../errors/index.js';

/**
 * For signed requests: the body's SHA-256 must be the one the signature covers, so a signed
 * request cannot carry a swapped body. Reads a copy (capped at `limit`) before the handler
 * reads the original.
 */
export async function checkBodyDigest(c: Context, expected: string, limit: number): Promise<void> {
  const declared = Number(c.req.header('content-length') ?? 0);
  if (declared > limit) {
    throw omegaError('OMEGA_ERR_PAYLOAD_TOO_LARGE', `The body is ${declared} bytes; the limit is ${limit}.`, {
      limit,
    });
  }
  const copy = c.req.raw.clone();
  const hash = createHash('sha256');
  let size = 0;
  if (copy.body) {
    const reader = copy.body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > limit) {
        await reader.cancel().catch(() => {});
        throw omegaError('OMEGA_ERR_PAYLOAD_TOO_LARGE', `The body exceeds the limit of ${limit} bytes.`, {
          limit,
        });
      }
      hash.update(value);
    }
  }
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
