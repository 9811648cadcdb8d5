import { adminTokenAuthenticator } from './admin-token.js';
import type { AuthProvider } from './auth-provider.js';
import { type Authenticator, chainAuthenticators } from './authenticator.js';
import { DecisionCache } from './decision-cache.js';
import { NonceWindow } from './nonce-window.js';
import type { RevocationList } from './revocation-list.js';
import { revocationOf } from './revocation-topics.js';
import { signedRequestAuthenticator } from './signed-request-authenticator.js';
import { tokenAuthenticator } from './token-authenticator.js';

/** Options of {@link createKernelAuth}. */
export interface KernelAuthOptions {
  verifyJwt: (token: string, opts: { audience: string }) => Promise<Record<string, unknown>>;
  provider: () => AuthProvider | undefined;
  /** The operator's static admin token, if opted in. */
  adminToken?: string;
  /** Replay window of signed requests (default 5 min). */
  signatureWindowMs?: number;
  cacheMax?: number;
  /** The kernel's persisted revocations: access tokens keep working while the provider is down. */
  revocations?: RevocationList;
  /** Called when a break-glass token is accepted (see tokenAuthenticator). */
  onBreakGlass?: (use: { jti: string; expiresAt: number }) => void;
  /** Called when the fallback admin token stops being accepted: an auth provider runs again. */
  onFallbackEnded?: (provider: string) => void;
}

/** The kernel's authentication: one authenticator for HTTP and WebSocket, and its cache. */
export interface KernelAuth {
  readonly authenticator: Authenticator;
  readonly cache: DecisionCache;
  readonly provider: () => AuthProvider | undefined;
  /**
   * Applies a bus event: revocation topics drop matching cached decisions; the auth provider
   * stopping or restarting (`plugins.plugin.*`) drops every cached decision and agent key.
   */
  onEvent(topic: string, data: unknown): void;
  /**
   * Sets or clears the static admin token. `fallback`: the data dir's generated token, the way in
   * only while no auth provider runs — dropped as soon as one runs (a `plugins.plugin.running`
   * event of the provider), not at the next restart.
   */
  setAdminToken(token: string | undefined, opts?: { fallback?: boolean }): void;
}

/**
 * Assembles the kernel's authenticator: the static admin token (only when set), signed agent
 * requests, then access tokens and API tokens (verified and cached, see tokenAuthenticator).
 */
export function createKernelAuth(opts: KernelAuthOptions): KernelAuth {
  const cache = new DecisionCache(opts.cacheMax);
  const signed = signedRequestAuthenticator({
    provider: () => provider(),
    nonces: new NonceWindow(opts.signatureWindowMs),
  });
  const tokens = tokenAuthenticator({
    verifyJwt: opts.verifyJwt,
    provider: () => provider(),
    cache,
    ...(opts.revocations ? { revocations: opts.revocations } : {}),
    ...(opts.onBreakGlass ? { onBreakGlass: opts.onBreakGlass } : {}),
  });
  let admin: Authenticator | undefined;
  let fallback = false;
  let chain = chainAuthenticators([signed, tokens]);
  const setAdminToken = (token: string | undefined, o?: { fallback?: boolean }) => {
    admin = token === undefined ? undefined : adminTokenAuthenticator(token);
    fallback = token !== undefined && o?.fallback === true;
    // Tokens first: a cached access token is then one map lookup, not a digest of the admin token.
    chain = chainAuthenticators(admin ? [signed, tokens, admin] : [signed, tokens]);
  };
  setAdminToken(opts.adminToken);
  // The plugin that answered last; when it stops or restarts it can no longer vouch for anything.
  let providerName: string | undefined;
  const provider = () => {
    const p = opts.provider();
    if (p) providerName = p.name;
    return p;
  };
  return {
    authenticator: {
      authenticate: (c) => chain.authenticate(c),
      peek: (c) => chain.peek?.(c),
      // Only the token authenticator caches decisions: a known token is one lookup in its cache.
      known: (authorization) => tokens.known?.(authorization),
    },
    cache,
    provider,
    onEvent(topic, data) {
      if (topic.startsWith('plugins.plugin.')) {
        const plugin = (data as { plugin?: unknown } | null)?.plugin;
        if (topic === 'plugins.plugin.running') {
          // The provider is back: decisions made without it (on signature and expiry alone) are re-checked.
          const back = provider();
          if (plugin === providerName || (plugin !== undefined && plugin === back?.name)) cache.clear();
          // …and the admin-token file, the way in while none ran, is no longer one (walk: it kept
          // working after `plugin enable security` until the next restart).
          if (fallback && back !== undefined && plugin === back.name) {
            setAdminToken(undefined);
            cache.clear();
            opts.onFallbackEnded?.(back.name);
          }
          return;
        }
        if (plugin === providerName) {
          cache.clear();
          signed.forget();
        }
        return;
      }
      const r = revocationOf(topic, data);
      if (!r) return;
      cache.revoke(r);
      opts.revocations?.add(r);
      if (r.keyId !== undefined) signed.forget(r.keyId);
      else if (r.sub !== undefined) signed.forget();
    },
    setAdminToken,
  };
}
