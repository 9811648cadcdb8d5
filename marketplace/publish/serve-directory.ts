import { createReadStream } from 'node:fs';
import { realpath, stat } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { isAbsolute, relative, resolve, sep } from 'node:path';

/** A running static server for a marketplace directory. */
export interface DirectoryServer {
  url: string;
  port: number;
  server: Server;
  close(): Promise<void>;
}

const TYPES: Record<string, string> = { json: 'application/json', omp: 'application/octet-stream' };

/**
 * What a marketplace publishes, and so all that is served: its signed documents (`root.json`,
 * `N.root.json`, `index.json`, `timestamp.json`) and its artifacts (`artifacts/*.omp`). Anything
 * else under the directory (keys above all: `omega marketplace keygen DIR` writes into whatever
 * folder it is given, and editors leave `root.private.jwk~` or `.swp` copies beside them;
 * dotfiles, notes) is 404. Judged on the real path, so a symlink is judged by what it points at.
 */
const PUBLISHED =
  /^(?:(?:[1-9][0-9]{0,8}\.)?root|index|timestamp)\.json$|^artifacts\/[A-Za-z0-9][A-Za-z0-9.+-]*\.omp$/;

const published = (rel: string): boolean => PUBLISHED.test(sep === '/' ? rel : rel.split(sep).join('/'));

/**
 * Serves a marketplace directory read-only over HTTP (GET/HEAD, no listing, only the files a
 * marketplace publishes: see PUBLISHED), on 127.0.0.1 by default: enough for tests and small sites; put a real web server or CDN in
 * front for anything larger.
 */
export async function serveDirectory(
  dir: string,
  opts: { host?: string; port?: number } = {},
): Promise<DirectoryServer> {
  const root = await realpath(dir);
  const server = createServer(async (req, res) => {
    const send = (status: number, text: string) => {
      res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' });
      res.end(req.method === 'HEAD' ? undefined : `${text}\n`);
    };
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(405, 'method not allowed');
    let file: string;
    try {
      const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
      if (path.includes('\0')) return send(400, 'bad path');
      file = await realpath(resolve(root, `.${path}`));
    } catch {
      return send(404, 'not found');
    }
    const rel = relative(root, file);
    if (rel === '' || rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel) || !published(rel))
      return send(404, 'not found');
    const st = await stat(file).catch(() => null);
    if (!st?.isFile()) return send(404, 'not found');
    res.writeHead(200, {
      'content-type': TYPES[file.split('.').pop() ?? ''] ?? 'application/octet-stream',
      'content-length': st.size,
      'cache-control': 'no-cache',
    });
    if (req.method === 'HEAD') return res.end();
    createReadStream(file)
      .on('error', () => res.destroy())
      .pipe(res);
  });
  await new Promise<void>((ok, fail) => {
    server.once('error', fail);
    server.listen(opts.port ?? 0, opts.host ?? '127.0.0.1', () => ok());
  });
  const { port, address } = server.address() as AddressInfo;
  const host = address.includes(':') ? `[${address}]` : address;
  return {
    url: `http://${host}:${port}`,
    port,
    server,
    close: () =>
      new Promise<void>((ok) => {
        server.close(() => ok());
        server.closeAllConnections();
      }),
  };
}
