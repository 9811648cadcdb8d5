/** Characters `new URL` writes as they are in a path (no `%`: `%2e` is a dot segment), by char code. */
const IN_PATH = new Uint8Array(128);
/** The same in a query, where `%`, `?` and a few more are kept too (not `'`, `"`, `<`, `>`, `#`, space). */
const IN_QUERY = new Uint8Array(128);
for (const c of 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_~-./') {
  IN_PATH[c.charCodeAt(0)] = 1;
  IN_QUERY[c.charCodeAt(0)] = 1;
}
for (const c of '=&%+,:@!$*();?') IN_QUERY[c.charCodeAt(0)] = 1;

/**
 * True when `target` (Node's `incoming.url`) is one whose URL `new URL` writes exactly as it came,
 * so its URL is the origin followed by it: a path of letters, digits and `_ ~ - . /` without a
 * dot segment (no `/.`), then an optional query of characters URL leaves as they are. No `%` in
 * the path, no `\`, `#`, quote, space, control or non-ASCII character anywhere. One pass, no
 * allocation (a regex and a slice here were ~0.4 µs a request in --cpu-prof).
 */
export function isPlainTarget(target: string): boolean {
  const n = target.length;
  if (n === 0 || target.charCodeAt(0) !== 47 /* / */) return false;
  let i = 1;
  for (; i < n; i++) {
    const c = target.charCodeAt(i);
    if (c === 63 /* ? */) break;
    if (c >= 128 || IN_PATH[c] === 0) return false;
    if (c === 46 /* . */ && target.charCodeAt(i - 1) === 47 /* / */) return false;
  }
  for (i++; i < n; i++) {
    const c = target.charCodeAt(i);
    if (c >= 128 || IN_QUERY[c] === 0) return false;
  }
  return true;
}

/** Hosts remembered per scheme; past this many a hostile client's made-up hosts start the memo afresh. */
const MAX_HOSTS = 64;

/**
 * The URL prefix (`scheme://host[:port]`, as `new URL` writes it) for a Host header, or undefined
 * when @hono/node-server would refuse the host ("Invalid host header", or a URL that does not
 * parse). Worked out once per host and remembered (a bounded memo), so a request whose target is
 * plain ({@link isPlainTarget}) gets its URL without parsing one: the same string
 * `new URL(\`${scheme}://${host}${target}\`).href` gives.
 */
export function urlPrefixMemo(scheme: 'http' | 'https'): (host: string) => string | undefined {
  const known = new Map<string, string | null>();
  return (host) => {
    const seen = known.get(host);
    if (seen !== undefined) return seen ?? undefined;
    if (known.size >= MAX_HOSTS) known.clear();
    const prefix = prefixFor(scheme, host);
    known.set(host, prefix ?? null);
    return prefix;
  };
}

/** {@link urlPrefixMemo}'s work for one host: @hono/node-server's host check, then the URL's own prefix. */
function prefixFor(scheme: 'http' | 'https', host: string): string | undefined {
  let url: URL;
  try {
    url = new URL(`${scheme}://${host}/`);
  } catch {
    return undefined;
  }
  // @hono/node-server's check (newRequest): the host is the URL's hostname, with or without a port.
  if (url.hostname.length !== host.length && url.hostname !== host.replace(/:\d+$/, '')) return undefined;
  if (
    url.pathname !== '/' ||
    url.search !== '' ||
    url.hash !== '' ||
    url.username !== '' ||
    url.password !== ''
  )
    return undefined;
  return url.href.slice(0, -1);
}
