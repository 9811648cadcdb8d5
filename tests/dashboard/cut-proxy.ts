import { createServer, type IncomingMessage, request, type Server, type ServerResponse } from 'node:http';
import { connect, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';

/** A running pass-through proxy in front of a kernel. */
export interface CutProxy {
  url: string;
  /** Closes every open event-stream tunnel and refuses new ones until {@link CutProxy.restoreEvents}. */
  cutEvents(): void;
  restoreEvents(): void;
  /** Event-stream tunnels open now. */
  openTunnels(): number;
  close(): Promise<void>;
}

/**
 * A fault injector for the live-events test: every request (the UI the kernel serves, the API,
 * and WebSocket upgrades) goes through to the real kernel byte for byte; `cutEvents()` cuts the
 * event stream as a broken network would. It serves nothing itself: the kernel serves the UI.
 */
export async function startCutProxy(kernelUrl: string): Promise<CutProxy> {
  const upstream = new URL(kernelUrl);
  const tunnels = new Set<Socket | Duplex>();
  let cut = false;

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

  const server: Server = createServer(proxy);
  server.on('upgrade', (req, socket, head) => {
    if (cut) {
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
