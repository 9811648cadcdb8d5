import { createReadStream, statSync } from 'node:fs';
import { createServer, type IncomingMessage, request, type Server, type ServerResponse } from 'node:http';
import { connect, type Socket } from 'node:net';
import { extname, join, normalize, sep } from 'node:path';
import type { Duplex } from 'node:stream';

/** The Content-Security-Policy the kernel will serve the dashboard with (the contract in docs/dashboard.md). */
export const DASHBOARD_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; manifest-src 'self'; worker-src 'self'; frame-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

/** The path the dashboard is served under. */
export const UI_PREFIX = '/ui/dashboard/';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.webmanifest': 'application/manifest+json',
  '.json': 'application/json',
};

/** A running test server. */
export interface UiServer {
  url: string;
  /** Closes every open event-stream tunnel and refuses new ones until {@link UiServer.restoreEvents}. */
  cutEvents(): void;
  restoreEvents(): void;
  /** Event-stream tunnels open now. */
  openTunnels(): number;
  close(): Promise<void>;
}

/**
 * A small same-origin server for tests, standing in for the kernel's own UI serving until it
 * lands: the built files under /ui/dashboard/ with the dashboard's CSP, `immutable` caching for
 * hashed assets and `no-cache` for the rest, `GET /` → 302 to the dashboard, and `/api/*`
 * (HTTP and the WebSocket upgrade) passed through to a real kernel byte for byte.
 */
export async function serveUi(uiDir: string, kernelUrl: string): Promise<UiServer> {
  const upstream = new URL(kernelUrl);
  const tunnels = new Set<Socket | Duplex>();
  let cut = false;

  const serveFile = (req: IncomingMessage, res: ServerResponse, path: string) => {
    const rel = path.slice(UI_PREFIX.length) || 'index.html';
    const file = normalize(join(uiDir, decodeURIComponent(rel)));
    if (!file.startsWith(uiDir + sep) && file !== uiDir) {
      res.writeHead(404).end();
      return;
    }
    let size: number;
    try {
      const st = statSync(file);
      if (!st.isFile()) throw new Error('not a file');
      size = st.size;
    } catch {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    const hashed = rel.startsWith('assets/');
    res.writeHead(200, {
      'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
      'content-length': size,
      'content-security-policy': DASHBOARD_CSP,
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
      'cache-control': hashed ? 'public, max-age=31536000, immutable' : 'no-cache',
    });
    if (req.method === 'HEAD') res.end();
    else createReadStream(file).pipe(res);
  };

  const proxy = (req: IncomingMessage, res: ServerResponse) => {
    const out = request(
      {
        host: upstream.hostname,
        port: upstream.port,
        method: req.method,
        path: req.url,
        headers: { ...req.headers, host: upstream.host },
      },
      (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      },
    );
    out.on('error', () => {
      if (!res.headersSent) res.writeHead(502).end();
      else res.destroy();
    });
    req.pipe(out);
  };

  const server: Server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    if (path.startsWith('/api/')) return proxy(req, res);
    if (path === '/' && req.method === 'GET') {
      res.writeHead(302, { location: UI_PREFIX }).end();
      return;
    }
    if (path === '/ui/dashboard') {
      res.writeHead(301, { location: UI_PREFIX }).end();
      return;
    }
    if (path.startsWith(UI_PREFIX) && (req.method === 'GET' || req.method === 'HEAD'))
      return serveFile(req, res, path);
    res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
  });

  server.on('upgrade', (req, socket, head) => {
    if (cut || !req.url?.startsWith('/api/')) {
      socket.destroy();
      return;
    }
    const up = connect(Number(upstream.port), upstream.hostname, () => {
      const lines = [`${req.method} ${req.url} HTTP/1.1`];
      for (let i = 0; i < req.rawHeaders.length; i += 2) {
        const k = req.rawHeaders[i] ?? '';
        lines.push(`${k}: ${k.toLowerCase() === 'host' ? upstream.host : req.rawHeaders[i + 1]}`);
      }
      up.write(`${lines.join('\r\n')}\r\n\r\n`);
      if (head.length > 0) up.write(head);
      up.pipe(socket);
      socket.pipe(up);
    });
    tunnels.add(socket);
    tunnels.add(up);
    const drop = () => {
      tunnels.delete(socket);
      tunnels.delete(up);
      socket.destroy();
      up.destroy();
    };
    up.on('error', drop);
    up.on('close', drop);
    socket.on('error', drop);
    socket.on('close', drop);
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    cutEvents() {
      cut = true;
      for (const s of [...tunnels]) s.destroy();
    },
    restoreEvents() {
      cut = false;
    },
    openTunnels: () => tunnels.size / 2,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of [...tunnels]) s.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
