import { readFileSync } from 'node:fs';
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { omegaError, toProblem } from '../errors/index.js';
import type { Logger } from '../log/index.js';
import { kernelListener } from './kernel-listener.js';

/** A listening kernel server and how to stop it gracefully. */
export interface RunningServer {
  server: HttpServer | HttpsServer;
  url: string;
  port: number;
  /** Stop accepting, let in-flight requests finish (up to `graceMs`), then close what is left. */
  close(graceMs: number): Promise<void>;
}

const REASONS: Record<number, string> = {
  400: 'Bad Request',
  408: 'Request Timeout',
  431: 'Request Header Fields Too Large',
};

function clientErrorResponse(
  err: NodeJS.ErrnoException,
  limits: { headersTimeout: number; requestTimeout: number },
): string {
  const problem = toProblem(
    err.code === 'HPE_HEADER_OVERFLOW'
      ? omegaError('OMEGA_ERR_HEADERS_TOO_LARGE', 'The request headers exceed the server limit.')
      : err.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? omegaError(
            'OMEGA_ERR_REQUEST_TIMEOUT',
            `The request did not arrive in time: its headers must arrive within ${limits.headersTimeout / 1000} s, and all of it (as many body bytes as its Content-Length says) within ${limits.requestTimeout / 1000} s.`,
          )
        : omegaError('OMEGA_ERR_BAD_REQUEST', 'The request is not valid HTTP.'),
  );
  const body = JSON.stringify(problem);
  const reason = REASONS[problem.status] ?? 'Bad Request';
  return `HTTP/1.1 ${problem.status} ${reason}\r\nContent-Type: application/problem+json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`;
}

/**
 * Starts the kernel's server on host:port (kernel-listener.ts: @hono/node-server's listener for
 * what the kernel does not answer itself), over HTTPS when a certificate and key are given.
 */
export async function startServer(opts: {
  fetch: (req: Request, env?: unknown) => Response | Promise<Response>;
  host: string;
  port: number;
  tls?: { cert: string; key: string };
  /** The whole request (headers and body) must arrive within this long (default 60 s), else 408. */
  requestTimeoutMs?: number;
  logger: Logger;
}): Promise<RunningServer> {
  const requestTimeoutMs = opts.requestTimeoutMs ?? 60_000;
  // Node checks the timeouts every connectionsCheckingInterval (30 s by default: a request
  // could be held up to 90 s); a few seconds keeps the answer near the limit it names.
  const timing = {
    requestTimeout: requestTimeoutMs,
    headersTimeout: Math.min(20_000, requestTimeoutMs),
    connectionsCheckingInterval: Math.min(5_000, Math.max(250, Math.floor(requestTimeoutMs / 4))),
  };
  const serverOptions = opts.tls
    ? { cert: readFileSync(opts.tls.cert), key: readFileSync(opts.tls.key) }
    : undefined;
  const listener = kernelListener(opts.fetch, { hostname: opts.host, secure: opts.tls !== undefined });
  // Host-less HTTP/1.1 reaches the listener, which answers it with a problem (Node's is an empty 400)
  const server: HttpServer | HttpsServer = serverOptions
    ? createHttpsServer({ ...serverOptions, ...timing, requireHostHeader: false }, listener)
    : createHttpServer({ ...timing, requireHostHeader: false }, listener);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  server.on('clientError', (err: NodeJS.ErrnoException, socket: Socket) => {
    // An answer already begun (a handler's, or a stream's) cannot be followed by another.
    const begun = (socket as Socket & { _httpMessage?: { headersSent?: boolean } })._httpMessage?.headersSent;
    if (!socket.writable || begun || err.code === 'ECONNRESET') {
      socket.destroy();
      return;
    }
    socket.end(clientErrorResponse(err, timing));
  });
  server.on('error', (err) => opts.logger.error({ err }, 'http server error'));

  const { port } = server.address() as AddressInfo;
  const scheme = opts.tls ? 'https' : 'http';
  const shownHost = opts.host.includes(':') ? `[${opts.host}]` : opts.host;
  return {
    server,
    port,
    url: `${scheme}://${shownHost}:${port}`,
    close: (graceMs) =>
      new Promise<void>((resolve) => {
        const force = setTimeout(() => server.closeAllConnections(), graceMs);
        force.unref();
        server.close(() => {
          clearTimeout(force);
          resolve();
        });
        server.closeIdleConnections();
      }),
  };
}
