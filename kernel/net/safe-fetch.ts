import type { IncomingMessage } from 'node:http';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import { hasErrorCode, omegaError } from '../errors/index.js';
import { parseRequestUrl, type RequestTarget } from '../permissions/index.js';
import { decodeText } from './decode-text.js';
import { CREDENTIAL_HEADERS, requestHeaders, responseHeaders } from './fetch-headers.js';
import { type PinnedAddress, pinAddress } from './pin-address.js';
import { readBody } from './read-body.js';

/** What a plugin asks to send. */
export interface SafeFetchInit {
  method?: string;
  headers?: Record<string, string>;
  body?: string | Uint8Array;
}

/** The kernel's limits for one fetch. */
export interface SafeFetchOptions {
  /** Decides each origin (first URL and every redirect), e.g. through the plugin's permission gate. */
  allowOrigin: (origin: string) => boolean;
  /** One deadline for the whole fetch: DNS, every hop and the body. */
  timeoutMs: number;
  /** Cap on the decoded body size in bytes. */
  maxBytes: number;
  /** Redirects followed at most (default 3). */
  maxRedirects?: number;
  /** Ports refused on this machine's own addresses (the kernel's listeners). */
  forbidPorts?: readonly number[];
  /** Allow non-public addresses (loopback, private, …); off by default. */
  allowPrivate?: boolean;
  /** Aborts the fetch (e.g. the plugin that asked has stopped): it rejects with the signal's reason. */
  signal?: AbortSignal;
  /** Name resolution, called once per hop (default: the system resolver). */
  resolve?: (hostname: string) => Promise<{ address: string; family: number }[]>;
}

/** A fetched response as plain data, safe to hand to a plugin. */
export interface SafeFetchResponse {
  status: number;
  statusText: string;
  /** The final URL, after redirects. */
  url: string;
  redirected: boolean;
  /** Lowercased names; hop-by-hop and framing headers removed. */
  headers: Record<string, string>;
  body: string;
  bodyEncoding: 'utf8' | 'base64';
}

const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);
const REDIRECTS = new Set([301, 302, 303, 307, 308]);

/** A lookup that answers with the pinned address whatever is asked (no second DNS query). */
const pinnedLookup =
  (pinned: PinnedAddress): LookupFunction =>
  (_hostname, options, callback) => {
    if ((options as { all?: boolean }).all) {
      (callback as unknown as (e: null, a: { address: string; family: number }[]) => void)(null, [pinned]);
    } else {
      callback(null, pinned.address, pinned.family);
    }
  };

/** Normalises a URL and checks its origin, or throws OMEGA_ERR_PERM_DENIED. */
function allowedTarget(url: string, opts: SafeFetchOptions): RequestTarget {
  let target: RequestTarget;
  try {
    target = parseRequestUrl(url);
  } catch (err) {
    throw omegaError('OMEGA_ERR_PERM_DENIED', hasErrorCode(err) ? err.message : 'Invalid URL.', {
      asked: url,
      fix: 'Fetch an absolute http(s) URL without user info.',
    });
  }
  if (!opts.allowOrigin(target.origin)) {
    throw omegaError('OMEGA_ERR_PERM_DENIED', `Fetching from ${target.origin} is not allowed.`, {
      asked: `net:fetch:${target.origin}`,
      fix: `Declare "net:fetch:${target.origin}" in plugin.json and have the operator grant it.`,
    });
  }
  return target;
}

/** Rejects as soon as `signal` aborts (for work that cannot be cancelled, like a DNS lookup). */
function abortable<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

interface Hop {
  target: RequestTarget;
  method: string;
  headers: Record<string, string>;
  body: Uint8Array | undefined;
}

/** Sends one request to the pinned address (Host and SNI stay the URL's hostname). */
function send(hop: Hop, hostname: string, port: number, pinned: PinnedAddress, signal: AbortSignal) {
  const { url } = hop.target;
  const headers: Record<string, string> = { ...hop.headers, 'accept-encoding': 'gzip, deflate, br' };
  if (hop.body !== undefined) headers['content-length'] = String(hop.body.byteLength);
  return new Promise<IncomingMessage>((resolve, reject) => {
    const request = url.protocol === 'https:' ? httpsRequest : httpRequest;
    const req = request(
      {
        hostname,
        port,
        path: `${url.pathname}${url.search}`,
        method: hop.method,
        headers,
        agent: false,
        lookup: pinnedLookup(pinned),
        servername: isIP(hostname) === 0 ? hostname : undefined,
        signal,
      },
      resolve,
    );
    req.on('error', reject);
    req.end(hop.body);
  });
}

async function run(url: string, init: SafeFetchInit, opts: SafeFetchOptions, signal: AbortSignal) {
  const method = (init.method ?? 'GET').toUpperCase();
  if (!METHODS.has(method)) {
    throw omegaError('OMEGA_ERR_VALIDATION', `The method "${method}" is not allowed for fetch.`, { method });
  }
  const body = typeof init.body === 'string' ? Buffer.from(init.body, 'utf8') : init.body;
  const hop: Hop = { target: allowedTarget(url, opts), method, headers: requestHeaders(init.headers), body };
  const maxRedirects = opts.maxRedirects ?? 3;
  for (let redirects = 0; ; redirects++) {
    const { url: current } = hop.target;
    const hostname = current.hostname.replace(/^\[(.*)\]$/, '$1');
    const port = Number(current.port) || (current.protocol === 'https:' ? 443 : 80);
    const pinned = await abortable(pinAddress(hostname, port, opts), signal);
    const res = await send(hop, hostname, port, pinned, signal);
    const status = res.statusCode ?? 0;
    const location = res.headers.location;
    if (REDIRECTS.has(status) && location !== undefined) {
      res.destroy();
      if (redirects >= maxRedirects) {
        throw omegaError(
          'OMEGA_ERR_PLUGIN_LIMIT',
          `More than ${maxRedirects} redirects, starting at ${current.origin}.`,
          {
            limit: 'maxRedirects',
            maxRedirects,
          },
        );
      }
      let next: string;
      try {
        next = new URL(location, current).href;
      } catch {
        throw omegaError('OMEGA_ERR_FETCH_FAILED', `${current.origin} redirected to an invalid URL.`, {
          location,
        });
      }
      const target = allowedTarget(next, opts); // origin re-checked; the address is re-checked by pinAddress
      if (target.origin !== hop.target.origin) for (const h of CREDENTIAL_HEADERS) delete hop.headers[h];
      if (
        (status === 303 && hop.method !== 'HEAD') ||
        ((status === 301 || status === 302) && hop.method === 'POST')
      ) {
        hop.method = 'GET';
        hop.body = undefined;
        delete hop.headers['content-type'];
      }
      hop.target = target;
      continue;
    }
    const { bytes, decoded } = await readBody(res, opts.maxBytes, signal);
    const contentType = res.headers['content-type'];
    return {
      status,
      statusText: res.statusMessage ?? '',
      url: current.href,
      redirected: redirects > 0,
      headers: responseHeaders(res.headers, decoded),
      ...decodeText(bytes, contentType),
    };
  }
}

/**
 * Outbound HTTP for plugins (SANDBOX-NOTES.md "Outbound fetch"): normalises the URL, asks
 * `allowOrigin`, resolves the host once and refuses non-public addresses (unless
 * `allowPrivate`) and the kernel's own ports, connects to that pinned address, follows
 * redirects itself re-checking origin and address on each hop, caps the decoded body, and
 * returns plain data. Errors: OMEGA_ERR_PERM_DENIED (origin, address, port),
 * OMEGA_ERR_PLUGIN_LIMIT (body size, redirects), OMEGA_ERR_PLUGIN_TIMEOUT, OMEGA_ERR_FETCH_FAILED
 * (network, TLS, malformed response), OMEGA_ERR_VALIDATION (method, header).
 */
export async function safeFetch(
  url: string,
  init: SafeFetchInit,
  opts: SafeFetchOptions,
): Promise<SafeFetchResponse> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), opts.timeoutMs);
  const outer = opts.signal;
  const cancel = (): void => controller.abort();
  if (outer?.aborted) cancel();
  else outer?.addEventListener('abort', cancel, { once: true });
  // Messages name the origin only: a URL's path or query may carry a token.
  let where = 'the URL';
  try {
    where = parseRequestUrl(url).origin;
  } catch {}
  try {
    return await run(url, init, opts, controller.signal);
  } catch (err) {
    if (outer?.aborted) {
      throw hasErrorCode(outer.reason)
        ? outer.reason
        : omegaError('OMEGA_ERR_UNAVAILABLE', `Fetching from ${where} was cancelled.`);
    }
    if (controller.signal.aborted) {
      throw omegaError(
        'OMEGA_ERR_PLUGIN_TIMEOUT',
        `Fetching from ${where} took longer than ${opts.timeoutMs} ms.`,
        {
          timeoutMs: opts.timeoutMs,
        },
      );
    }
    if (hasErrorCode(err)) throw err;
    const code = (err as NodeJS.ErrnoException).code ?? 'error';
    if (code === 'ERR_INVALID_CHAR' || code === 'ERR_INVALID_HTTP_TOKEN') {
      throw omegaError('OMEGA_ERR_VALIDATION', `A request header is invalid (${code}).`, { reason: code });
    }
    throw omegaError('OMEGA_ERR_FETCH_FAILED', `Fetching from ${where} failed (${code}).`, { reason: code });
  } finally {
    clearTimeout(timer);
    outer?.removeEventListener('abort', cancel);
  }
}
