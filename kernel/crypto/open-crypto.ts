import { inspect } from 'node:util';
import { omegaError } from '../errors/index.js';
import { hash } from './hash.js';
import { hmacSign, hmacVerify } from './hmac.js';
import { publicJwks, signJws, verifyJws } from './jws.js';
import { jwtVerifier, signJwt } from './jwt.js';
import { openKeyring } from './keyring.js';
import { hashPassword, verifyPassword } from './password.js';
import { randomId } from './random.js';
import { seal, unseal } from './seal.js';
import { signEach } from './sign-each.js';
import type { KernelCrypto, OpenCryptoOptions } from './types.js';

/**
 * Opens the kernel's crypto service over `<dataDir>/keyring.json` (created on first start).
 * Key material stays inside: the returned object holds only closures, and its JSON and
 * inspect forms show key metadata.
 */
export async function openCrypto({
  dataDir,
  issuer = 'omega',
  logger,
}: OpenCryptoOptions): Promise<KernelCrypto> {
  if (typeof issuer !== 'string' || issuer.length === 0) {
    throw omegaError('OMEGA_ERR_CONFIG_INVALID', 'The token issuer must be a non-empty string.');
  }
  const keyring = await openKeyring({ dataDir, logger });
  const verifyJwt = jwtVerifier(keyring, issuer);
  const service: KernelCrypto = {
    signJwt: (claims, opts) => signJwt(keyring, issuer, claims, opts),
    verifyJwt,
    signJws: (payload) => signJws(keyring, payload),
    verifyJws: (jws) => verifyJws(keyring, jws),
    publicJwks: () => publicJwks(keyring),
    signEach: (text) => signEach(keyring, text),
    seal: (plaintext, aad) => seal(keyring, plaintext, aad),
    open: (sealed, aad) => unseal(keyring, sealed, aad),
    hmacSign: (data) => hmacSign(keyring, data),
    hmacVerify: (data, mac) => hmacVerify(keyring, data, mac),
    hashPassword,
    verifyPassword,
    hash,
    randomId,
    rotate: () => keyring.rotate(),
    retire: (kid) => keyring.retire(kid),
    keys: () => keyring.list(),
  };
  const describe = () => ({ issuer, keyring: keyring.path, keys: keyring.list() });
  Object.defineProperties(service, {
    toJSON: { value: describe, enumerable: false },
    [inspect.custom]: { value: () => `KernelCrypto ${inspect(describe(), { depth: 3 })}`, enumerable: false },
  });
  return Object.freeze(service);
}
