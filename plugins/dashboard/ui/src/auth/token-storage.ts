/**
 * Where credentials live in the browser, and why (docs/dashboard.md, "Tokens"):
 * - the access token (15 min) only in memory: never in storage a script could read later;
 * - the refresh token in sessionStorage: it survives a reload of this tab, not the closing of
 *   the tab, and no other tab or window sees it; it is rotated on every use and the server
 *   revokes the whole session when a rotated one is presented again (theft shows up);
 * - a kiosk token (a read-only API token) in localStorage: a wall display must come back by
 *   itself after a power cut, and the token can only read.
 * The strict CSP (script-src 'self', no inline script, no eval) is what keeps other code out
 * of this origin. An HttpOnly cookie would be better still for the refresh token; the
 * security plugin does not offer one yet.
 */
const REFRESH_KEY = 'omega.refresh';
const KIOSK_KEY = 'omega.kiosk';

function safe<T>(fn: () => T, fallback: T): T {
  try {
    return fn();
  } catch {
    return fallback;
  }
}

/** The stored refresh token of this tab, or null. */
export function readRefreshToken(): string | null {
  return safe(() => sessionStorage.getItem(REFRESH_KEY), null);
}

/** Stores (or with null, forgets) this tab's refresh token. */
export function writeRefreshToken(token: string | null): void {
  safe(
    () => (token ? sessionStorage.setItem(REFRESH_KEY, token) : sessionStorage.removeItem(REFRESH_KEY)),
    undefined,
  );
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
