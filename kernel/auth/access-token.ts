import { omegaError } from '../errors/index.js';
import type { Principal } from './principal.js';

/** The `aud` of every access token the kernel signs for the API; other audiences are refused. */
export const ACCESS_TOKEN_AUDIENCE = 'omega-api';

/** Access tokens live at most this long (seconds); the provider asks for less. */
export const ACCESS_TOKEN_MAX_TTL_SEC = 3600;

/** Opaque API tokens start with this, so the kernel knows to ask the provider about them. */
export const API_TOKEN_PREFIX = 'omg_';

/**
 * The custom claims of an access token (besides `iss`, `sub`, `aud`, `exp`, `iat`, `jti`):
 * the resolved permission set, so a request needs no lookup once the token is verified.
 */
export interface AccessTokenClaims {
  /** Granted permissions (patterns). */
  perms: string[];
  /** Explicit denials. */
  deny: string[];
  /** The refresh-token family (sign-in session) the token belongs to. */
  fam?: string;
  /** Display name (the username). */
  name?: string;
}

/** Verified JWT claims as the kernel reads them back. */
export interface VerifiedAccess {
  principal: Principal;
  sub: string;
  jti: string;
  fam: string | undefined;
  iat: number;
  exp: number;
}

const isStrings = (v: unknown): v is string[] =>
  Array.isArray(v) && v.length <= 512 && v.every((s) => typeof s === 'string' && s.length <= 256);

/** Turns verified claims into a principal; a token without the claims we sign is refused. */
export function accessFromClaims(claims: Record<string, unknown>): VerifiedAccess {
  const { sub, jti, iat, exp, perms, deny, fam, name } = claims;
  if (
    typeof sub !== 'string' ||
    typeof jti !== 'string' ||
    typeof iat !== 'number' ||
    typeof exp !== 'number' ||
    !isStrings(perms) ||
    !isStrings(deny) ||
    (fam !== undefined && typeof fam !== 'string') ||
    (name !== undefined && typeof name !== 'string')
  ) {
    throw omegaError('OMEGA_ERR_TOKEN_INVALID', 'The token is not valid: it is not an Omega access token.', {
      reason: 'claims',
    });
  }
  const principal: Principal = Object.freeze({
    id: sub,
    kind: 'user',
    permissions: Object.freeze([...perms]),
    denied: Object.freeze([...deny]),
    expiresAt: exp * 1000,
    credentialId: jti,
    ...(name !== undefined ? { name } : {}),
  });
  return { principal, sub, jti, fam, iat, exp };
}

/** True when `bearer` has the shape of a compact JWS (three base64url parts). */
export function looksLikeJwt(bearer: string): boolean {
  return bearer.startsWith('eyJ') && bearer.split('.').length === 3;
}
