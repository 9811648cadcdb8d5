import { omegaError } from '../errors/index.js';

/** `scheme://authority` with an optional single `/`, nothing else (checked before URL parsing). */
const DECLARED_ORIGIN_SHAPE = /^[a-z][a-z0-9+.-]*:\/\/[^/?#@\\\s]+\/?$/i;

const show = (s: string): string => JSON.stringify(s.length > 100 ? `${s.slice(0, 100)}…` : s);

/** Parses `input` as an absolute http(s) URL, or throws OMEGA_ERR_VALIDATION. */
function parseHttpUrl(input: string, what: string): URL {
  let url: URL;
  try {
    url = new URL(input);
  } catch {
    throw omegaError('OMEGA_ERR_VALIDATION', `The ${what} ${show(input)} is not an absolute URL.`, {
      [what]: input,
    });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw omegaError('OMEGA_ERR_VALIDATION', `The ${what} ${show(input)} must use http or https.`, {
      [what]: input,
    });
  }
  if (url.username !== '' || url.password !== '') {
    throw omegaError(
      'OMEGA_ERR_VALIDATION',
      `The ${what} ${show(input)} must not contain user info (\`@\`).`,
      {
        [what]: input,
      },
    );
  }
  // DNS treats `example.com.` as `example.com`; without this a deny of one is evaded by the other.
  if (url.hostname.endsWith('.')) url.hostname = url.hostname.slice(0, -1);
  if (url.hostname === '' || url.hostname.endsWith('.')) {
    throw omegaError('OMEGA_ERR_VALIDATION', `The ${what} ${show(input)} has an invalid host.`, {
      [what]: input,
    });
  }
  return url;
}

/** The canonical origin string of a parsed http(s) URL (lowercase host, default port elided). */
function originString(url: URL): string {
  return `${url.protocol}//${url.host}`;
}

/**
 * Normalises a declared origin (`net:fetch:<origin>`) with the WHATWG URL parser: http/https
 * only, lowercase host, IDN to punycode, IPv4 shorthand (`127.1`, `0x7f.1`, `2130706433`) to
 * dotted quad, default port elided, one trailing dot dropped. Refuses user info, a path other
 * than `/`, a query or a fragment. Throws OMEGA_ERR_VALIDATION naming the input.
 */
export function normalizeOrigin(input: string): string {
  if (typeof input !== 'string' || !DECLARED_ORIGIN_SHAPE.test(input)) {
    throw omegaError(
      'OMEGA_ERR_VALIDATION',
      `The origin ${show(String(input))} must be scheme://host[:port] with no user info, path, query or fragment.`,
      { origin: input },
    );
  }
  return originString(parseHttpUrl(input, 'origin'));
}

/** A request URL, normalised, with the origin it must be allowed for. */
export interface RequestTarget {
  /** The parsed URL (fragment dropped, host normalised as in {@link normalizeOrigin}). */
  url: URL;
  /** The canonical origin to check, e.g. `https://example.com:8443`. */
  origin: string;
}

/**
 * Normalises a URL a plugin asks to fetch: http/https only, no user info (the
 * `https://trusted@evil` trick), host normalised as in {@link normalizeOrigin}. Throws
 * OMEGA_ERR_VALIDATION naming the input.
 */
export function parseRequestUrl(input: string): RequestTarget {
  if (typeof input !== 'string') {
    throw omegaError('OMEGA_ERR_VALIDATION', 'The url must be a string.', { url: input });
  }
  const url = parseHttpUrl(input, 'url');
  url.hash = '';
  return { url, origin: originString(url) };
}

/**
 * The resource of an outbound request, for the permission gate: the URL's origin, but with
 * user info kept visible (redacted) so the gate refuses `https://trusted@evil/` itself —
 * `URL.origin` alone would silently drop `trusted@` and hand the gate a clean origin. Path,
 * query and credentials never reach the descriptor (it is audited).
 */
export function requestResource(url: string): string {
  const u = new URL(url);
  return u.username !== '' || u.password !== '' ? `${u.protocol}//redacted@${u.host}` : u.origin;
}
