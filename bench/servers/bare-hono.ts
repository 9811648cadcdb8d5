import { serve } from '@hono/node-server';
import { Hono } from 'hono';

/**
 * The baseline: a bare hono app on @hono/node-server with each handler in this process,
 * answering what the kernel's `/api/v1/health` and the bench's echo plugin (echo-plugin.ts) answer.
 */
const app = new Hono();
app.get('/api/v1/health', (c) => c.json({ status: 'ok' }));
app.get('/api/v1/echo/open', (c) => c.json({ hello: 'world' }));
const server = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 }, (info) => {
  process.stdout.write(`${JSON.stringify({ url: `http://127.0.0.1:${info.port}`, pid: process.pid })}\n`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
