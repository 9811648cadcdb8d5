import type { ApiClient, CredentialSource } from '../api/api-client.js';
import { ApiError } from '../api/api-error.js';
import { createStore, type Store } from '../state/store.js';
import { cookieAuth } from './cookie-auth.js';
import { hasPermission } from './has-permission.js';
import type { Me, TokenPair } from './me.js';
import { dropLegacyRefreshToken, readKioskToken, writeKioskToken } from './token-storage.js';

/** Why the user is on the sign-in page. */
export type SignedOutReason = 'idle' | 'expired' | 'signed-out' | 'kiosk-invalid';

/** Who is using the dashboard. */
export type AuthState =
  | { kind: 'loading' }
  | { kind: 'signed-out'; reason?: SignedOutReason }
  | { kind: 'user'; me: Me }
  | { kind: 'kiosk' };

/** Permissions a kiosk token is created with (read-only; no security data, no self-service). */
export const KIOSK_SCOPES = [
  'kernel:read',
  'plugins:read',
  'metrics:read',
  'nodes:read',
  'sessions:read',
  'resources:read',
  'network:read',
  'system:read',
  'events:subscribe',
] as const;

/** The app's sign-in state and the credentials every request uses. */
export interface AuthSession {
  readonly state: Store<AuthState>;
  readonly creds: CredentialSource;
  /** Restores a session (the refresh cookie, or a stored kiosk token). */
  start(): Promise<void>;
  signIn(username: string, password: string): Promise<void>;
  /** Creates the first admin with the one-time bootstrap secret, then signs in. */
  bootstrap(secret: string, username: string, password: string): Promise<void>;
  useKiosk(token: string): Promise<void>;
  signOut(reason?: SignedOutReason): Promise<void>;
  /** Whether the current principal may do `permission` (kiosk: reads only). */
  can(permission: string): boolean;
}

/** Refresh when this much of the access token's life has passed. */
const REFRESH_AT = 0.8;

/**
 * Creates the session over a raw (unauthenticated) client for the security plugin's public
 * routes. The access token is held in this closure only.
 */
export function createAuthSession(publicApi: ApiClient, authedApi: () => ApiClient): AuthSession {
  const state = createStore<AuthState>({ kind: 'loading' });
  let access: string | null = null;
  let kiosk: string | null = null;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let renewing: Promise<boolean> | null = null;
  /** Bumped by every sign-in and sign-out: a refresh answered after it must not bring the old session back. */
  let epoch = 0;

  const clear = () => {
    epoch++;
    access = null;
    kiosk = null;
    if (timer) clearTimeout(timer);
    timer = undefined;
  };

  const accept = (pair: TokenPair) => {
    access = pair.accessToken;
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => void renew(), Math.max(5, pair.expiresIn * REFRESH_AT) * 1000);
  };

  const loadMe = async () => {
    const me = await authedApi().get<Me>('/security/me');
    state.set({ kind: 'user', me });
  };

  /** A new access token from the refresh cookie; `restoring`: at start, where no cookie is no news. */
  const renew = (restoring = false): Promise<boolean> => {
    if (kiosk) return Promise.resolve(false);
    renewing ??= (async () => {
      const started = epoch;
      try {
        const pair = await cookieAuth<TokenPair>('/security/refresh');
        if (started !== epoch) {
          // Signed out (or in again) meanwhile: revoke what this late answer started.
          await cookieAuth('/security/refresh/logout').catch(() => undefined);
          return false;
        }
        accept(pair);
        return true;
      } catch (err) {
        if (err instanceof ApiError && err.status === 401) {
          clear();
          state.set(restoring ? { kind: 'signed-out' } : { kind: 'signed-out', reason: 'expired' });
        }
        return false;
      } finally {
        renewing = null;
      }
    })();
    return renewing;
  };

  const session: AuthSession = {
    state,
    creds: { token: () => kiosk ?? access, renew: () => renew() },
    async start() {
      dropLegacyRefreshToken();
      const storedKiosk = readKioskToken();
      if (storedKiosk) return session.useKiosk(storedKiosk);
      try {
        if (await renew(true)) return await loadMe();
      } catch {
        // The session could not be restored (e.g. /me refused): sign in again.
        clear();
      }
      if (state.get().kind === 'loading') state.set({ kind: 'signed-out' });
    },
    async signIn(username, password) {
      clear();
      writeKioskToken(null);
      accept(await cookieAuth<TokenPair>('/security/login', { username, password }));
      await loadMe();
    },
    async bootstrap(secret, username, password) {
      await publicApi.send('POST', '/security/bootstrap', { secret, username, password });
      await session.signIn(username, password);
    },
    async useKiosk(token) {
      // A user session this browser held ends: the wall display reads with the kiosk token only.
      if (state.get().kind === 'user') await cookieAuth('/security/refresh/logout').catch(() => undefined);
      clear();
      kiosk = token;
      try {
        await authedApi().get('/kernel');
        writeKioskToken(token);
        state.set({ kind: 'kiosk' });
      } catch (err) {
        clear();
        if (err instanceof ApiError && (err.status === 401 || err.status === 403)) writeKioskToken(null);
        state.set({ kind: 'signed-out', reason: 'kiosk-invalid' });
      }
    },
    async signOut(reason = 'signed-out') {
      const hadUser = !kiosk;
      writeKioskToken(null);
      clear();
      state.set({ kind: 'signed-out', reason });
      // Revokes the session and clears the cookie (the kernel answers with an expired cookie).
      if (hadUser) await cookieAuth('/security/refresh/logout').catch(() => undefined);
    },
    can(permission) {
      const s = state.get();
      if (s.kind === 'kiosk') return (KIOSK_SCOPES as readonly string[]).includes(permission);
      if (s.kind !== 'user') return false;
      return hasPermission(s.me.permissions, s.me.denied, permission);
    },
  };
  return session;
}
