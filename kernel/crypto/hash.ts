import { createHash } from 'node:crypto';
import { omegaError } from '../errors/index.js';
import { toBytes } from './to-bytes.js';

/** Hex digest with SHA-256 or SHA-512; other algorithms are `OMEGA_ERR_VALIDATION`. */
export function hash(alg: 'sha256' | 'sha512', data: Uint8Array | string): string {
  if (alg !== 'sha256' && alg !== 'sha512') {
    throw omegaError('OMEGA_ERR_VALIDATION', 'hash algorithm must be "sha256" or "sha512".');
  }
  return createHash(alg).update(toBytes(data)).digest('hex');
}
