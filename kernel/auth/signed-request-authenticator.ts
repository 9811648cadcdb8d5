import type { KeyObject } from 'node:crypto';
import { omegaError } from '../errors/index.js';
import { type AuthProvider, toPrincipal } from './auth-provider.js';
import type { Authenticator } from './authenticator.js';
import type { NonceWindow } from './nonce-window.js';
import type { Principal } from './principal.js';
import { agentPublicKey, SIGNATURE_HEADERS as H, verifyRequestSignature } from './request-signing.js';

const NONCE = /^[A-Za-z0-9_-]{16,64}$/;
const KEY_ID = /^[A-Za-z0-9_-]{1,64}$/;
const SHA256 = /^[0-9a-f]{64}$/;

const invalid = (why: string, reason: string) =>
  omegaError('OMEGA_ERR_TOKEN_INVALID', `The request signature is not valid: ${why}.`, { reason });

/** Options of {@link signedRequestAuthenticator}. */
export interface SignedRequestOptions {
  provider: () => AuthProvider | undefined;
  nonces: NonceWindow;
  /** How long a resolved agent key is trusted without asking again (default 30 s). */
  keyTtlMs?: number;
  now?: () => number;
}

/**
 * Authenticates requests signed by node agents (scheme `omega-sig-v1`, see request-signing.ts):
 * key id → public key from the provider (cached briefly), Ed25519 signature over method, url,
 * timestamp, nonce and body hash, then the replay window. The principal carries the body hash,
 * which the HTTP layer checks against the body it reads. Answers null for unsigned requests.
 */
export function signedRequestAuthenticator(opts: SignedRequestOptions): Authenticator & {
  /** Forgets cached keys (a revocation). */
  forget(keyId?: string): void;
} {
  const now = opts.now ?? Date.now;
  const ttl = opts.keyTtlMs ?? 30_000;
  const keys = new Map<string, { key: KeyObject; principal: Principal; until: number }>();

  async function keyFor(keyId: string) {
    const hit = keys.get(keyId);
    if (hit && hit.until > now()) return hit;
    const provider = opts.provider();
    if (!provider) throw omegaError('OMEGA_ERR_UNAVAILABLE', 'No authentication provider is running.');
    const found = await provider.resolveAgentKey(keyId);
    if (!found) throw invalid('the key id is unknown or revoked', 'key');
    let key: KeyObject;
    try {
      key = agentPublicKey(found.publicKey);
    } catch {
      throw invalid('the registered key is unusable', 'key');
    }
    const entry = { key, principal: toPrincipal(found.principal), until: now() + ttl };
    keys.set(keyId, entry);
    return entry;
  }

  return {
    forget(keyId) {
      if (keyId === undefined) keys.clear();
      else keys.delete(keyId);
    },
    // A signed request is verified every time (its nonce must be fresh): never known ahead.
    peek: ({ headers }) =>
      (headers as Record<string, unknown>)[H.signature] === undefined ? null : undefined,
    async authenticate({ headers, method, url }) {
      const h = headers as Record<string, string | string[] | undefined>;
      const signature = h[H.signature];
      if (signature === undefined) return null;
      const keyId = h[H.keyId];
      const nonce = h[H.nonce];
      const ts = h[H.timestamp];
      const digest = h[H.contentSha256];
      if (
        typeof signature !== 'string' ||
        typeof keyId !== 'string' ||
        !KEY_ID.test(keyId) ||
        typeof nonce !== 'string' ||
        !NONCE.test(nonce) ||
        typeof ts !== 'string' ||
        !/^\d{1,16}$/.test(ts) ||
        typeof digest !== 'string' ||
        !SHA256.test(digest)
      ) {
        throw invalid(`send ${Object.values(H).join(', ')} in the documented formats`, 'headers');
      }
      if (method === undefined || url === undefined)
        throw invalid('signed requests are HTTP only', 'transport');
      const { key, principal } = await keyFor(keyId);
      const parts = { method, url, timestamp: Number(ts), nonce, contentSha256: digest };
      if (!verifyRequestSignature(parts, signature, key))
        throw invalid('the signature does not verify', 'signature');
      opts.nonces.accept(keyId, nonce, parts.timestamp);
      return Object.freeze({ ...principal, bodySha256: digest });
    },
  };
}
