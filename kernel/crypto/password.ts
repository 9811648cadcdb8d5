import { randomBytes, type ScryptOptions, scrypt, timingSafeEqual } from 'node:crypto';
import { omegaError } from '../errors/index.js';
import { createSlots, type Slots } from './slots.js';
import { decodeBase64url } from './to-bytes.js';

/** Parameters new hashes use: N = 2^15, r = 8, p = 1 (OWASP's scrypt minimum), 32-byte hash, 16-byte salt. */
export const SCRYPT_DEFAULTS = { N: 2 ** 15, r: 8, p: 1, keyLength: 32, saltLength: 16 } as const;

// Bounds for stored strings: anything beyond them is refused rather than run (a crafted record
// must not make the kernel allocate gigabytes or spin for minutes).
const MAX_MEMORY = 256 * 1024 * 1024;
const MAX_P = 16;

/**
 * scrypt runs on libuv's threadpool, which fs and DNS share (4 threads unless
 * UV_THREADPOOL_SIZE says otherwise): password work kernel-wide gets half of it at most, so a
 * burst of logins or a plugin's verifyPassword calls cannot stall storage or name lookups.
 */
export const PASSWORD_SLOTS: Slots = createSlots(
  Math.floor((Number(process.env.UV_THREADPOOL_SIZE) || 4) / 2),
);

const DEFAULT_COST = SCRYPT_DEFAULTS.N * SCRYPT_DEFAULTS.r * SCRYPT_DEFAULTS.p;
const DEFAULT_MEMORY = 128 * SCRYPT_DEFAULTS.N * SCRYPT_DEFAULTS.r;

/**
 * True when `stored` is a well-formed scrypt record that costs more time or memory than the
 * kernel's defaults (what {@link hashPassword} makes); malformed records are not (they verify
 * as false without work). Plugins may not verify those: a crafted record within the general
 * bounds costs seconds and up to 256 MB of the kernel's.
 */
export function exceedsDefaultCost(stored: string): boolean {
  const parsed = typeof stored === 'string' ? parseRecord(stored) : undefined;
  if (!parsed) return false;
  const { N, r, p } = parsed;
  return N * r * p > DEFAULT_COST || 128 * N * r > DEFAULT_MEMORY;
}

/** scrypt hash of a password (NFC-normalised) as `scrypt$N$r$p$salt$hash` (salt and hash base64url). */
export async function hashPassword(password: string): Promise<string> {
  if (typeof password !== 'string') throw omegaError('OMEGA_ERR_VALIDATION', 'password must be a string.');
  const { N, r, p, keyLength, saltLength } = SCRYPT_DEFAULTS;
  const salt = randomBytes(saltLength);
  const hash = await scryptAsync(password, salt, keyLength, { N, r, p });
  return ['scrypt', N, r, p, salt.toString('base64url'), hash.toString('base64url')].join('$');
}

/**
 * True when `password` matches `stored` (any parameters within safe bounds, so older records
 * keep working); compares in constant time. Malformed records give false.
 */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  if (typeof password !== 'string' || typeof stored !== 'string') return false;
  const parsed = parseRecord(stored);
  if (!parsed) return false;
  const { N, r, p, salt, hash } = parsed;
  const actual = await scryptAsync(password, salt, hash.length, { N, r, p });
  return timingSafeEqual(actual, hash);
}

function parseRecord(stored: string) {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return undefined;
  const [N, r, p] = parts.slice(1, 4).map((s) => (/^[1-9][0-9]{0,9}$/.test(s ?? '') ? Number(s) : 0)) as [
    number,
    number,
    number,
  ];
  const salt = decodeBase64url(parts[4]!);
  const hash = decodeBase64url(parts[5]!);
  const powerOfTwo = N > 1 && (N & (N - 1)) === 0;
  if (!powerOfTwo || r < 1 || p < 1 || p > MAX_P || 128 * N * r > MAX_MEMORY) return undefined;
  if (!salt || salt.length < 8 || !hash || hash.length < 16 || hash.length > 64) return undefined;
  return { N, r, p, salt, hash };
}

function scryptAsync(
  password: string,
  salt: Buffer,
  keyLength: number,
  params: ScryptOptions,
): Promise<Buffer> {
  const maxmem = 2 * 128 * params.N! * params.r! + 1024 * 1024;
  return PASSWORD_SLOTS.run(
    () =>
      new Promise<Buffer>((resolve, reject) => {
        scrypt(password.normalize('NFC'), salt, keyLength, { ...params, maxmem }, (err, key) =>
          err ? reject(err) : resolve(key),
        );
      }),
  );
}
