import { CompactSign, compactVerify, type JWK, type JWSHeaderParameters } from 'jose';
import { OmegaError, omegaError } from '../errors/index.js';
import type { Keyring } from './keyring.js';
import { toBytes } from './to-bytes.js';

/** Header `typ` of Omega signatures, so a signature is never mistaken for a JWT or the reverse. */
export const JWS_TYP = 'omega-sig+jws';

/** Signs bytes or a string as a compact JWS with the active signing key (EdDSA, header `kid`). */
export async function signJws(keyring: Keyring, payload: Uint8Array | string): Promise<string> {
  const key = keyring.active('signing');
  return new CompactSign(toBytes(payload, 'payload'))
    .setProtectedHeader({ alg: 'EdDSA', kid: key.kid, typ: JWS_TYP })
    .sign(key.privateKey);
}

/** Verifies a compact JWS from {@link signJws}; any fault is `OMEGA_ERR_SIGNATURE_INVALID`. */
export async function verifyJws(
  keyring: Keyring,
  jws: string,
): Promise<{ payload: Uint8Array; kid: string }> {
  if (typeof jws !== 'string') throw bad('it is not a string', 'malformed');
  try {
    const { payload, protectedHeader } = await compactVerify(
      jws,
      (header: JWSHeaderParameters) => {
        if (typeof header.kid !== 'string') throw bad('its header has no key id (kid)', 'kid');
        const key = keyring.find('signing', header.kid);
        if (!key) throw bad('it was made with a key this kernel does not know or has retired', 'kid');
        return key.publicKey;
      },
      { algorithms: ['EdDSA'] },
    );
    if (protectedHeader.typ !== JWS_TYP) throw bad(`its header type is not ${JWS_TYP}`, 'typ');
    return { payload, kid: protectedHeader.kid as string };
  } catch (err) {
    if (err instanceof OmegaError) throw err;
    const code = (err as { code?: unknown }).code;
    throw code === 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED'
      ? bad('the signature does not match the data', 'signature')
      : code === 'ERR_JOSE_ALG_NOT_ALLOWED'
        ? bad('its algorithm is not allowed (only EdDSA is)', 'alg')
        : bad('it is not a well-formed compact JWS', 'malformed');
  }
}

/** Public signing keys (active and verify-only) as a JWK Set. */
export function publicJwks(keyring: Keyring): { keys: JWK[] } {
  return { keys: keyring.all('signing').map((k) => ({ ...k.publicJwk })) };
}

function bad(why: string, reason: string): OmegaError {
  return omegaError('OMEGA_ERR_SIGNATURE_INVALID', `The signature is not valid: ${why}.`, { reason });
}
