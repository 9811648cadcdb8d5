/**
 * Where credentials live in the browser, and why (docs/dashboard.md, "Tokens"):
 * - the access token (15 min) only in memory: never in storage a script could read later;
 * - the refresh token in an HttpOnly, SameSite=Strict cookie the kernel sets, scoped to the
 *   refresh route (auth/cookie-auth.ts): no script of this page can read it; it is rotated on
 *   every use and the server revokes the whole session when a rotated one is presented again;
 * - a kiosk token (a read-only API token) in localStorage: a wall display must come back by
 *   itself after a power cut, and the token can only read.
 * The strict CSP (script-src 'self', no inline script, no eval) is what keeps other code out
 * of this origin.
 */
const LEGACY_REFRESH_KEY = 'omega.refresh';
const KIOSK_KEY = 'omega.kiosk';

function safe<T>(fn: () => T, fallback: T): T {
  try {
    return fn();
  } catch {
    return fallback;
  }
}

/** Forgets a refresh token an earlier version kept in sessionStorage (now in the cookie). */
export function dropLegacyRefreshToken(): void {
  safe(() => sessionStorage.removeItem(LEGACY_REFRESH_KEY), undefined);
}

/** The stored kiosk token, or null. */
export function readKioskToken(): string | null {
  return safe(() => localStorage.getItem(KIOSK_KEY), null);
}

/** Stores (or with null, forgets) the kiosk token. */
export function writeKioskToken(token: string | null): void {
  safe(
    () => (token ? localStorage.setItem(KIOSK_KEY, token) : localStorage.removeItem(KIOSK_KEY)),
    undefined,
  );
}

/** API tokens start with this prefix. */
export const API_TOKEN_PREFIX = 'omg_';

/**
 * Takes a kiosk token handed over in the URL fragment (`#kiosk=omg_…`, never sent to any server),
 * stores it, and removes it from the address bar and history. Returns it, or null.
 */
export function takeKioskTokenFromUrl(loc: Location, history: History): string | null {
  const m = /(?:^#|&)kiosk=([^&]+)/.exec(loc.hash);
  if (!m?.[1]) return null;
  const token = decodeURIComponent(m[1]);
  history.replaceState(history.state, '', `${loc.pathname}${loc.search}`);
  if (!token.startsWith(API_TOKEN_PREFIX) || token.length > 512) return null;
  writeKioskToken(token);
  return token;
}
