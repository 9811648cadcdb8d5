import { serve } from '@hono/node-server';
import { Hono } from 'hono';

/**
 * The baseline: a bare hono app on @hono/node-server with each handler in this process,
 * answering what the kernel's `/api/v1/health` and the bench's echo plugin (echo-plugin.ts) answer.
 * `/api/v1/health/kernel-headers` answers the same with the three headers the kernel adds to it
 * (`cache-control`, a fresh `x-request-id`, `x-content-type-options`): what those cost in hono.
 */
const app = new Hono();
app.get('/api/v1/health', (c) => c.json({ status: 'ok' }));
let requests = 0;
app.get('/api/v1/health/kernel-headers', (c) =>
  c.json({ status: 'ok' }, 200, {
    'cache-control': 'no-store',
    'x-request-id': `BenchHon-${String(++requests).padStart(6, '0')}`,
    'x-content-type-options': 'nosniff',
  }),
);
app.get('/api/v1/echo/open', (c) => c.json({ hello: 'world' }));
const server = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 }, (info) => {
  process.stdout.write(`${JSON.stringify({ url: `http://127.0.0.1:${info.port}`, pid: process.pid })}\n`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
