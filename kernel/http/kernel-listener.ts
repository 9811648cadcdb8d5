import type { IncomingMessage, ServerResponse } from 'node:http';
import { getRequestListener } from '@hono/node-server';
import { omegaError, toProblem } from '../errors/index.js';
import { inheritGlobalRequest, LightRequest } from './light-request.js';
import { isPlainTarget, urlPrefixMemo } from './request-url.js';

/** The app's `fetch`, as @hono/node-server calls it (`env` is Node's `{ incoming, outgoing }`). */
export type AppFetch = (req: Request, env?: unknown) => Response | Promise<Response>;

/** Node's request listener. */
export type NodeListener = (incoming: IncomingMessage, outgoing: ServerResponse) => void;

/** A response's parts as @hono/node-server's Response keeps them: status, body, headers. */
type Parts = [number, unknown, unknown];

/**
 * The symbol under which @hono/node-server's Response (global once its listener is made) keeps a
 * response's parts, found on a probe response; undefined if this version keeps them otherwise,
 * and then the kernel's listener hands every request over.
 */
function partsKey(): symbol | undefined {
  const headers = {};
  const probe = new Response('probe', { status: 299, headers });
  for (const key of Object.getOwnPropertySymbols(probe)) {
    const v = (probe as unknown as Record<symbol, unknown>)[key];
    if (Array.isArray(v) && v[0] === 299 && v[1] === 'probe' && v[2] === headers) return key;
  }
  return undefined;
}

const NOT_A_PATH = 'The request target is not a path (such as /api/v1/health) or an absolute http(s) URL.';

/**
 * An origin-form target (`/…`) or an absolute-form one (`http://…`, which a server must accept),
 * its scheme in lower case as @hono/node-server tests it (`HTTP://…` would get its plain-text 400).
 */
const isRoutableTarget = (target: string | undefined): boolean =>
  target !== undefined &&
  (target.startsWith('/') || target.startsWith('http://') || target.startsWith('https://'));

/**
 * Answers a request no route can serve (Host-less HTTP/1.1, `OPTIONS *`) with a 400
 * problem+json, as the server's clientError answer does; Node's own was an empty 400.
 */
function refuse(outgoing: ServerResponse, detail: string): void {
  const body = JSON.stringify(toProblem(omegaError('OMEGA_ERR_BAD_REQUEST', detail)));
  outgoing.writeHead(400, {
    'Content-Type': 'application/problem+json',
    'Content-Length': Buffer.byteLength(body),
    'Cache-Control': 'no-store',
    Connection: 'close',
  });
  outgoing.end(body);
}

/** Whether a header record already names Content-Length (@hono/node-server's test). */
function hasContentLength(headers: Record<string, unknown>): boolean {
  for (const key in headers) if (key.length === 14 && key.toLowerCase() === 'content-length') return true;
  return false;
}

/**
 * The kernel's request listener (issue #13). A GET with a plain target and a known Host
 * (request-url.ts) is answered here: its Request is a {@link LightRequest} (no URL parsed), the
 * app's answer, when it is a string body with plain-object headers (what the kernel's respond()
 * builds), is written with `writeHead` + `end` at once, without @hono/node-server's two async
 * functions and per-request `close` listener. Everything else (other methods, HEAD, an unusual
 * target or host, any other answer, a failure) is @hono/node-server's listener's, unchanged: an
 * answer already made is handed to it to write, so the app never runs twice.
 */
export function kernelListener(fetch: AppFetch, opts: { hostname?: string; secure: boolean }): NodeListener {
  const handed = new WeakMap<IncomingMessage, () => Response | Promise<Response>>();
  const fallback = getRequestListener(
    (req, env) => {
      const incoming = (env as { incoming: IncomingMessage }).incoming;
      const answer = handed.get(incoming);
      if (answer === undefined) return fetch(req, env);
      handed.delete(incoming);
      return answer();
    },
    opts.hostname === undefined ? {} : { hostname: opts.hostname },
  ) as NodeListener;
  inheritGlobalRequest();
  const key = partsKey();
  if (key === undefined) return fallback;
  const prefixOf = urlPrefixMemo(opts.secure ? 'https' : 'http');

  /** Lets @hono/node-server's listener write (or fail with) an answer the app already gave. */
  const handOver = (
    incoming: IncomingMessage,
    outgoing: ServerResponse,
    answer: () => Response | Promise<Response>,
  ): void => {
    handed.set(incoming, answer);
    fallback(incoming, outgoing);
  };

  /**
   * Writes `res`; whatever throws on the way (a header Node refuses, an answer that is not a
   * Response, a frozen headers object) is @hono/node-server's to fail as it would (500) when
   * nothing is written yet, and ends the connection otherwise: nothing thrown here escapes as an
   * unhandled rejection, which would stop the kernel.
   */
  const write = (incoming: IncomingMessage, outgoing: ServerResponse, res: Response): void => {
    try {
      writeDirect(incoming, outgoing, res);
    } catch (err) {
      if (!outgoing.headersSent) handOver(incoming, outgoing, () => Promise.resolve(res));
      else outgoing.destroy(err as Error);
    }
  };

  const writeDirect = (incoming: IncomingMessage, outgoing: ServerResponse, res: Response): void => {
    const parts = (res as unknown as Record<symbol, Parts | undefined>)[key];
    const headers = parts?.[2];
    const body = parts?.[1];
    if (
      parts === undefined ||
      typeof body !== 'string' ||
      headers === null ||
      typeof headers !== 'object' ||
      headers instanceof Headers ||
      Array.isArray(headers)
    ) {
      handOver(incoming, outgoing, () => res);
      return;
    }
    const record = headers as Record<string, string | number>;
    if (!hasContentLength(record)) record['Content-Length'] = Buffer.byteLength(body);
    outgoing.writeHead(parts[0], record);
    outgoing.end(body);
  };

  return (incoming, outgoing) => {
    const host = incoming.headers.host;
    const target = incoming.url;
    const prefix =
      incoming.method === 'GET' && host !== undefined && target !== undefined && isPlainTarget(target)
        ? prefixOf(host)
        : undefined;
    if (prefix === undefined) {
      // An empty Host is no Host (RFC 9112 §3.2): @hono/node-server would put the kernel's own address in its place.
      if ((!host && incoming.httpVersion === '1.1') || !isRoutableTarget(target))
        refuse(outgoing, !host ? 'An HTTP/1.1 request needs a Host header.' : NOT_A_PATH);
      else fallback(incoming, outgoing);
      return;
    }
    const req = new LightRequest(incoming, outgoing, prefix + target) as unknown as Request;
    let res: Response | Promise<Response>;
    try {
      res = fetch(req, { incoming, outgoing });
    } catch (thrown) {
      handOver(incoming, outgoing, () => {
        throw thrown;
      });
      return;
    }
    if (typeof (res as Promise<Response>).then === 'function') {
      (res as Promise<Response>).then(
        (r) => write(incoming, outgoing, r),
        (thrown: unknown) => handOver(incoming, outgoing, () => Promise.reject(thrown)),
      );
      return;
    }
    write(incoming, outgoing, res as Response);
  };
}
