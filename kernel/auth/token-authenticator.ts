import { hasErrorCode, omegaError } from '../errors/index.js';
import { ACCESS_TOKEN_AUDIENCE, API_TOKEN_PREFIX, accessFromClaims, looksLikeJwt } from './access-token.js';
import { type AuthProvider, toPrincipal } from './auth-provider.js';
import type { Authenticator } from './authenticator.js';
import { BREAK_GLASS_SUBJECT } from './break-glass.js';
import type { CachedDecision, DecisionCache } from './decision-cache.js';
import type { Principal } from './principal.js';
import type { RevocationList } from './revocation-list.js';

/** Options of {@link tokenAuthenticator}. */
export interface TokenAuthenticatorOptions {
  /** The kernel's JWT verifier (kernel/crypto). */
  verifyJwt: (token: string, opts: { audience: string }) => Promise<Record<string, unknown>>;
  /** The plugin currently holding `auth:provider`, if one runs. */
  provider: () => AuthProvider | undefined;
  cache: DecisionCache;
  /** How long an API token's resolution is trusted without asking again (default 30 s). */
  apiTokenTtlMs?: number;
  now?: () => number;
  /**
   * The kernel's own revocation list. With it, an access token is accepted on its signature and
   * expiry alone while the provider cannot answer (stopped, restarting, quarantined), unless a
   * kept revocation covers it; that decision is cached only {@link OFFLINE_TTL_MS}.
   */
  revocations?: RevocationList;
  /** Called when a break-glass token (subject `break-glass`) is accepted while the provider is down. */
  onBreakGlass?: (use: { jti: string; expiresAt: number }) => void;
}

/** How long a decision made without the provider is cached, ms. */
export const OFFLINE_TTL_MS = 15_000;

/** Codes that mean the provider could not answer (not that it said no). */
const PROVIDER_DOWN = new Set([
  'OMEGA_ERR_UNAVAILABLE',
  'OMEGA_ERR_PLUGIN_UNAVAILABLE',
  'OMEGA_ERR_PLUGIN_TIMEOUT',
  'OMEGA_ERR_OUTCOME_UNKNOWN',
]);

const noProvider = () =>
  omegaError(
    'OMEGA_ERR_UNAVAILABLE',
    'No authentication provider is running (the security plugin); this credential cannot be checked now.',
  );

const revoked = () =>
  omegaError('OMEGA_ERR_TOKEN_INVALID', 'The token is not valid: it has been revoked.', {
    reason: 'revoked',
  });

/**
 * Authenticates access tokens (EdDSA JWTs signed by the kernel keyring) and opaque API tokens.
 * A JWT is verified in the kernel's own crypto, then the provider is asked once whether it is
 * still active; the decision is cached until the token's `exp`. An API token is resolved by the
 * provider and cached briefly. Revocation events drop cached entries (see {@link DecisionCache}).
 * Concurrent requests with the same new token share one check. Throws OMEGA_ERR_TOKEN_INVALID /
 * OMEGA_ERR_TOKEN_EXPIRED for bad tokens; answers null for credentials that are not tokens.
 */
export function tokenAuthenticator(opts: TokenAuthenticatorOptions): Authenticator {
  const now = opts.now ?? Date.now;
  const apiTtl = opts.apiTokenTtlMs ?? 30_000;
  const { cache } = opts;
  const inflight = new Map<string, Promise<Principal>>();

  async function checkJwt(token: string): Promise<CachedDecision> {
    const access = accessFromClaims(await opts.verifyJwt(token, { audience: ACCESS_TOKEN_AUDIENCE }));
    const decision: CachedDecision = {
      principal: access.principal,
      expiresAt: access.exp * 1000,
      sub: access.sub,
      credentialId: access.jti,
      ...(access.fam !== undefined ? { family: access.fam } : {}),
    };
    /** The provider cannot answer: the signature and expiry (checked above) and the kernel's revocations decide. */
    const offline = (): CachedDecision => {
      const list = opts.revocations;
      if (!list) throw noProvider();
      const subject = {
        sub: access.sub,
        credentialId: access.jti,
        issuedAt: access.iat * 1000,
        ...(access.fam !== undefined ? { family: access.fam } : {}),
      };
      if (list.covers(subject)) throw revoked();
      if (access.sub === BREAK_GLASS_SUBJECT)
        opts.onBreakGlass?.({ jti: access.jti, expiresAt: access.exp * 1000 });
      return { ...decision, expiresAt: Math.min(decision.expiresAt, now() + OFFLINE_TTL_MS) };
    };
    const provider = opts.provider();
    if (!provider) return offline();
    let active: boolean;
    try {
      ({ active } = await provider.introspect({
        sub: access.sub,
        jti: access.jti,
        iat: access.iat,
        ...(access.fam !== undefined ? { fam: access.fam } : {}),
      }));
    } catch (err) {
      if (hasErrorCode(err) && PROVIDER_DOWN.has(err.code)) return offline();
      throw err;
    }
    if (!active) throw revoked();
    return decision;
  }

  async function checkApiToken(token: string): Promise<CachedDecision> {
    const provider = opts.provider();
    if (!provider) throw noProvider();
    const p = await provider.resolveApiToken(token);
    if (!p) {
      throw omegaError('OMEGA_ERR_TOKEN_INVALID', 'The API token is not valid, expired or revoked.', {
        reason: 'api-token',
      });
    }
    const principal = toPrincipal(p);
    return {
      principal,
      expiresAt: Math.min(now() + apiTtl, p.expiresAt ?? Number.POSITIVE_INFINITY),
      sub: p.id,
      credentialId: p.credentialId,
    };
  }

  function resolve(token: string, check: (t: string) => Promise<CachedDecision>): Promise<Principal> {
    const running = inflight.get(token);
    if (running) return running;
    const generation = cache.generation;
    const p = check(token)
      .then((d) => {
        cache.set(token, d, generation);
        return d.principal;
      })
      .finally(() => inflight.delete(token));
    inflight.set(token, p);
    return p;
  }

  return {
    async authenticate({ bearer }) {
      if (!bearer) return null;
      const hit = cache.get(bearer, now());
      if (hit) return hit.principal;
      if (looksLikeJwt(bearer)) return resolve(bearer, checkJwt);
      if (bearer.startsWith(API_TOKEN_PREFIX)) return resolve(bearer, checkApiToken);
      return null;
    },
    known: (authorization) => cache.getAuthorization(authorization, now())?.principal,
    peek({ bearer }) {
      if (!bearer) return null;
      const hit = cache.get(bearer, now());
      if (hit) return hit.principal;
      return looksLikeJwt(bearer) || bearer.startsWith(API_TOKEN_PREFIX) ? undefined : null;
    },
  };
}
