import { randomBytes } from 'node:crypto';
import { omegaError } from '../errors/index.js';

/** Largest accepted `bytes` for {@link randomId}. */
export const MAX_RANDOM_BYTES = 1024;

/** base64url of `bytes` bytes from the CSPRNG (default 16, i.e. 128 bits, 22 characters). */
export function randomId(bytes = 16): string {
  if (!Number.isInteger(bytes) || bytes < 1 || bytes > MAX_RANDOM_BYTES) {
    throw omegaError('OMEGA_ERR_VALIDATION', `bytes must be an integer from 1 to ${MAX_RANDOM_BYTES}.`);
  }
  return randomBytes(bytes).toString('base64url');
}
