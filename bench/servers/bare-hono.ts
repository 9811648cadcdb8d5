import { serve } from '@hono/node-server';
import { Hono } from 'hono';

/** The baseline: a bare hono app on @hono/node-server answering the same JSON as the kernel route. */
const app = new Hono();
app.get('/api/v1/health', (c) => c.json({ status: 'ok' }));
const server = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 }, (info) => {
  process.stdout.write(`${JSON.stringify({ url: `http://127.0.0.1:${info.port}` })}\n`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
