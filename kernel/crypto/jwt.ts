import { type JWTVerifyGetKey, jwtVerify, SignJWT } from 'jose';
import { hasErrorCode, OmegaError, omegaError } from '../errors/index.js';
import type { Keyring } from './keyring.js';
import type { JwtClaims, SignJwtOptions } from './types.js';

/** Accepted clock difference between signer and verifier, in seconds. */
export const CLOCK_TOLERANCE_SEC = 30;
/** Longer "tokens" are refused before any parsing. */
export const MAX_TOKEN_CHARS = 16 * 1024;

const RESERVED_CLAIMS = ['iss', 'sub', 'aud', 'exp', 'nbf', 'iat', 'jti'] as const;
const JOSE_REASONS: Record<string, string> = {
  ERR_JOSE_ALG_NOT_ALLOWED: 'its algorithm is not allowed (only EdDSA is)',
  ERR_JWS_SIGNATURE_VERIFICATION_FAILED: 'its signature does not verify',
  ERR_JWS_INVALID: 'it is not a well-formed JWS',
  ERR_JWT_INVALID: 'it is not a well-formed JWT',
  ERR_JOSE_NOT_SUPPORTED: 'it uses an unsupported algorithm or key',
};

/** Signs a JWT with the active signing key: EdDSA, `kid` and `typ: JWT` in the header. */
export async function signJwt(
  keyring: Keyring,
  issuer: string,
  claims: Record<string, unknown>,
  opts: SignJwtOptions,
): Promise<string> {
  for (const name of RESERVED_CLAIMS) {
    if (Object.hasOwn(claims, name)) {
      throw omegaError(
        'OMEGA_ERR_VALIDATION',
        `Claim "${name}" comes from the options of signJwt, not claims.`,
      );
    }
  }
  if (!(Number.isFinite(opts.expiresInSec) && opts.expiresInSec > 0)) {
    throw omegaError('OMEGA_ERR_VALIDATION', 'expiresInSec must be a positive number of seconds.');
  }
  const key = keyring.active('signing');
  const now = Math.floor(Date.now() / 1000);
  const jwt = new SignJWT(claims)
    .setProtectedHeader({ alg: 'EdDSA', kid: key.kid, typ: 'JWT' })
    .setIssuer(issuer)
    .setAudience(opts.audience)
    .setIssuedAt(now)
    .setExpirationTime(now + Math.floor(opts.expiresInSec));
  if (opts.subject !== undefined) jwt.setSubject(opts.subject);
  if (opts.notBeforeSec !== undefined) jwt.setNotBefore(now + Math.floor(opts.notBeforeSec));
  if (opts.jti !== undefined) jwt.setJti(opts.jti);
  return jwt.sign(key.privateKey);
}

/** A verifier bound to one keyring and issuer; the key lookup closure is made once, not per call. */
export function jwtVerifier(
  keyring: Keyring,
  issuer: string,
): (token: string, opts: { audience: string }) => Promise<JwtClaims> {
  const getKey: JWTVerifyGetKey = (header) => {
    if (typeof header.kid !== 'string') throw invalid('its header has no key id (kid)', 'kid');
    const key = keyring.find('signing', header.kid);
    if (!key) throw invalid('it was signed by a key this kernel does not know or has retired', 'kid');
    return key.publicKey;
  };
  return async (token, opts) => {
    if (typeof token !== 'string' || token.length === 0 || token.length > MAX_TOKEN_CHARS) {
      throw invalid('it is empty, too long or not a string', 'malformed');
    }
    let claims: JwtClaims;
    try {
      ({ payload: claims } = await jwtVerify(token, getKey, {
        algorithms: ['EdDSA'],
        typ: 'JWT',
        issuer,
        audience: opts.audience,
        clockTolerance: CLOCK_TOLERANCE_SEC,
        requiredClaims: ['exp', 'iat'],
      }));
    } catch (err) {
      throw toTokenError(err);
    }
    // jose checks a future iat only together with maxTokenAge; a token from the future is forged or skewed.
    if ((claims.iat as number) > Date.now() / 1000 + CLOCK_TOLERANCE_SEC) {
      throw invalid('it was issued in the future (check the clocks)', 'iat');
    }
    return claims;
  };
}

function invalid(why: string, reason: string): OmegaError {
  return omegaError('OMEGA_ERR_TOKEN_INVALID', `The token is not valid: ${why}.`, { reason });
}

/** Maps jose's errors to ours; messages never contain the token or its claims. */
function toTokenError(err: unknown): OmegaError {
  if (err instanceof OmegaError && hasErrorCode(err)) return err;
  const code = (err as { code?: unknown }).code;
  if (code === 'ERR_JWT_EXPIRED') {
    return omegaError('OMEGA_ERR_TOKEN_EXPIRED', 'The token has expired; obtain a new one.', {
      reason: 'exp',
    });
  }
  if (code === 'ERR_JWT_CLAIM_VALIDATION_FAILED') {
    const claim = String((err as { claim?: unknown }).claim);
    if (claim === 'typ') return invalid('its header type is not JWT', 'typ');
    const missing = (err as { reason?: unknown }).reason === 'missing';
    return invalid(
      missing ? `its "${claim}" claim is missing` : `its "${claim}" claim is not acceptable`,
      claim,
    );
  }
  const why = typeof code === 'string' ? JOSE_REASONS[code] : undefined;
  return invalid(why ?? 'it could not be verified', typeof code === 'string' ? code : 'unknown');
}
