import { createServer } from 'node:http';

/**
 * The floor under every server in the bench: a bare node:http server (no framework) answering
 * what the kernel's `/api/v1/health` and the bench's echo plugin answer, in this process.
 */
const bodies: Record<string, string> = {
  '/api/v1/health': JSON.stringify({ status: 'ok' }),
  '/api/v1/echo/open': JSON.stringify({ hello: 'world' }),
};
const server = createServer((req, res) => {
  const body = bodies[req.url ?? ''];
  if (body === undefined) {
    res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
    return;
  }
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  res.end(body);
});
server.listen(0, '127.0.0.1', () => {
  const { port } = server.address() as { port: number };
  process.stdout.write(`${JSON.stringify({ url: `http://127.0.0.1:${port}`, pid: process.pid })}\n`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
