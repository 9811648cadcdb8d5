import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';

/** A handler that replaces one path of a repository (to serve replays, tampering or endless data). */
export type Override = (req: IncomingMessage, res: ServerResponse) => void;

/** Serves a repository directory on 127.0.0.1, with per-path overrides an attacker controls. */
export async function hostileServer(dir: string) {
  const overrides = new Map<string, Override>();
  const server = createServer(async (req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname.slice(1);
    const o = overrides.get(path);
    if (o) return o(req, res);
    try {
      const body = await readFile(join(dir, path));
      res.writeHead(200, { 'content-length': body.length }).end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    overrides,
    /** Serves fixed bytes for a path. */
    serve(path: string, body: Uint8Array | string) {
      overrides.set(path, (_req, res) =>
        res.writeHead(200, { 'content-length': Buffer.byteLength(body) }).end(body),
      );
    },
    /** Sends data for a path forever (no Content-Length), until the client goes away. */
    endless(path: string) {
      overrides.set(path, (_req, res) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        const chunk = Buffer.alloc(16 * 1024, 0x20);
        const pump = () => {
          while (!res.destroyed && res.write(chunk));
          if (!res.destroyed) res.once('drain', pump);
        };
        res.on('close', () => res.removeAllListeners('drain'));
        pump();
      });
    },
    close: () =>
      new Promise<void>((ok) => {
        server.close(() => ok());
        server.closeAllConnections();
      }),
  };
}
