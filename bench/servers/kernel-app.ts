import { Writable } from 'node:stream';
import { adminTokenAuthenticator } from '../../kernel/auth/index.js';
import { createHttpApp } from '../../kernel/http/create-app.js';
import { type KernelFacts, kernelRoutes } from '../../kernel/http/kernel-routes.js';
import { RouteTable } from '../../kernel/http/route-table.js';
import { startServer } from '../../kernel/http/serve.js';
import { createLogger } from '../../kernel/log/index.js';

/**
 * The kernel's HTTP app on its own (issue #13): kernel/http createHttpApp with the real kernel
 * routes, served by the kernel's own `startServer` (kernel/http/serve.ts: the same server
 * settings and listeners), but none of the rest of the kernel process — no storage, event bus,
 * WebSocket gateway, plugin hosts, sinks or timers. Beside bare hono and the full kernel it
 * splits the kernel's cost per request into the HTTP app's share and the process's
 * (bench/http-ab.ts). Prints `{ url, pid }` when listening.
 */
const table = new RouteTable();
const facts: KernelFacts = {
  version: '0.0.0',
  startedAt: Date.now(),
  readiness: () => ({ storage: true, plugins: true }),
  plugins: () => [],
  systemSnapshot: async () => ({}),
  publish: async (topic: string) => ({ seq: 1, topic, time: Date.now() }),
  tags: () => [],
};
for (const route of kernelRoutes(table, facts)) table.add(route);
// The full kernel logs at info to its stdout; nothing on /health reaches it at that level.
const logger = createLogger({
  level: 'info',
  destination: new Writable({ write: (_c, _e, cb) => cb() }) as never,
});
const app = createHttpApp({
  table,
  authenticator: adminTokenAuthenticator('bench-admin-token-0123456789abcdef'),
  logger,
  bodyLimitBytes: 1 << 20,
  isStopping: () => false,
  log: { summaryIntervalMs: 60_000 },
});
const server = await startServer({ fetch: app.fetch, host: '127.0.0.1', port: 0, logger });
process.stdout.write(`${JSON.stringify({ url: server.url, pid: process.pid })}\n`);
process.on('SIGTERM', () => {
  app.close();
  void server.close(1000).then(() => process.exit(0));
});
