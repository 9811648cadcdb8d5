/**
 * A request target whose URL `new URL` would write exactly as it came: a path of letters, digits,
 * `_ ~ - . /` without a dot segment (no `/.`), then an optional query of characters URL leaves as
 * they are. No `%` in the path (`%2e` is a dot segment), no `\`, `#`, quote, space or control.
 */
const PLAIN_TARGET = /^\/[A-Za-z0-9_~\-./]*(?:\?[A-Za-z0-9_~\-.=&%+,:@/!$*();?]*)?$/;

/** True when `target` (Node's `incoming.url`) is a {@link PLAIN_TARGET}: its URL is the origin followed by it. */
export function isPlainTarget(target: string): boolean {
  if (!PLAIN_TARGET.test(target)) return false;
  const query = target.indexOf('?');
  const path = query === -1 ? target : target.slice(0, query);
  return !path.includes('/.');
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
