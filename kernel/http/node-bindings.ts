import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Context } from 'hono';

/** What the kernel's listener and @hono/node-server hand the app as `c.env`: Node's own request and response. */
interface NodeBindings {
  incoming?: IncomingMessage;
  outgoing?: ServerResponse;
}

/**
 * Headers Node keeps only once when a request repeats them (it drops the later copies); the
 * fetch API joins every copy with ", ". Reading these from Node must not silently pick the first.
 */
const KEPT_ONCE = new Set([
  'authorization',
  'content-length',
  'content-type',
  'host',
  'proxy-authorization',
  'user-agent',
]);

/** Node's request/response pair when the app runs under @hono/node-server; undefined under plain `app.fetch`. */
export function nodeBindings(c: Context): NodeBindings | undefined {
  const env = c.env as (NodeBindings & { server?: NodeBindings }) | undefined;
  return env?.server ?? env;
}

function joinedRepeats(incoming: IncomingMessage, name: string, first: string): string {
  const raw = incoming.rawHeaders;
  let joined: string | undefined;
  let seen = 0;
  for (let i = 0; i < raw.length; i += 2) {
    const key = raw[i]!;
    if (key.length !== name.length || key.toLowerCase() !== name) continue;
    seen++;
    joined = seen === 1 ? raw[i + 1]! : `${joined}, ${raw[i + 1]}`;
  }
  return seen > 1 && joined !== undefined ? joined : first;
}

/**
 * One request header by lower-case name. Under @hono/node-server it is read from Node's parsed
 * headers, so no fetch `Headers` object is built for the request; a header Node keeps once but
 * that came repeated reads as the fetch API would (values joined), so a repeated Authorization
 * stays as ambiguous as it was. Elsewhere (tests calling `app.fetch`) it comes from the Request.
 */
export function readHeader(c: Context, name: string): string | undefined {
  const incoming = nodeBindings(c)?.incoming;
  if (!incoming) return c.req.raw.headers.get(name) ?? undefined;
  const value = incoming.headers[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'string') return value.join(', ');
  return KEPT_ONCE.has(name) ? joinedRepeats(incoming, name, value) : value;
}

/**
 * True when a raw header name, as the client sent it, is `lower` in ASCII case folding (no string
 * made); `canonical` is its usual spelling (`Authorization`), tried first with `lower`.
 */
function isName(raw: string, lower: string, canonical: string): boolean {
  if (raw === canonical || raw === lower) return true;
  if (raw.length !== lower.length) return false;
  for (let i = 0; i < raw.length; i++) {
    const c = raw.charCodeAt(i);
    if (c !== lower.charCodeAt(i) && (c < 65 || c > 90 || c + 32 !== lower.charCodeAt(i))) return false;
  }
  return true;
}

/**
 * The Authorization header of a request that may carry a cached bearer token: its one value as
 * sent, or undefined when there is none, when it came more than once (ambiguous: the full check
 * refuses it) or when the request is signed (`X-Omega-Signature`: verified every time). Under
 * @hono/node-server one pass over Node's raw headers answers all three, with no name lower-cased
 * and no lookup in the parsed headers (what two {@link readHeader} calls cost a JWT request).
 */
export function readLoneAuthorization(c: Context): string | undefined {
  const incoming = nodeBindings(c)?.incoming;
  if (!incoming) {
    const headers = c.req.raw.headers;
    if (headers.has('x-omega-signature')) return undefined;
    const value = headers.get('authorization');
    return value === null || value.includes(', ') ? undefined : value;
  }
  const raw = incoming.rawHeaders;
  let found: string | undefined;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!;
    if (name.length === 13) {
      if (!isName(name, 'authorization', 'Authorization')) continue;
      if (found !== undefined) return undefined;
      found = raw[i + 1]!;
    } else if (name.length === 17 && isName(name, 'x-omega-signature', 'X-Omega-Signature')) return undefined;
  }
  return found;
}

/**
 * The request headers among `names` (lower-case) that are present, read as {@link readHeader}
 * reads each, added to `into`: one lookup of the bindings for all of them.
 */
export function readHeaders(c: Context, names: readonly string[], into: Record<string, string>): void {
  const incoming = nodeBindings(c)?.incoming;
  if (!incoming) {
    for (const name of names) {
      const v = c.req.raw.headers.get(name);
      if (v !== null) into[name] = v;
    }
    return;
  }
  const all = incoming.headers;
  for (const name of names) {
    const value = all[name];
    if (value === undefined) continue;
    if (typeof value !== 'string') into[name] = value.join(', ');
    else into[name] = KEPT_ONCE.has(name) ? joinedRepeats(incoming, name, value) : value;
  }
}

/** Every request header as a plain object of lower-case names (for signed requests). */
export function readAllHeaders(c: Context): Record<string, string> {
  const incoming = nodeBindings(c)?.incoming;
  if (!incoming) return c.req.header();
  const out: Record<string, string> = {};
  for (const name of Object.keys(incoming.headers)) {
    const v = readHeader(c, name);
    if (v !== undefined) out[name] = v;
  }
  return out;
}

/** The client's address, from the socket (undefined when the app is not behind Node's server). */
export function readRemote(c: Context): string | undefined {
  return nodeBindings(c)?.incoming?.socket?.remoteAddress;
}
