import { IncomingMessage, ServerResponse } from 'node:http';
import { Socket } from 'node:net';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { GCProfiler, getHeapStatistics } from 'node:v8';
import { getRequestListener } from '@hono/node-server';
import { Hono } from 'hono';

/**
 * The kernel's own JavaScript on its common request path (issue #13), without sockets: CPU per
 * `GET /api/v1/health` through the kernel's HTTP app (kernel/http createHttpApp with the real
 * kernel routes: request id, kernel headers, route lookup, the handler, the access log) beside a
 * bare hono app answering the same, in one process, interleaved in rounds; the kernel gets Node's
 * own request/response pair as @hono/node-server hands it (`c.env`), so headers are read as in
 * production. With OMEGA_BENCH_BEFORE=<another checkout> its kernel/http is measured too, in the
 * same run. Over a socket the same request costs ~30–45 µs more (Node's parser, writev): see
 * http.bench.ts and bench/http-ab.ts. Beside /health, two routes answered through a promise as a
 * plugin route is (the plugin's answer stubbed by a resolved promise, so only the HTTP app is
 * timed): a public one, and one needing a permission called with an access token whose decision
 * the kernel's authenticator (createKernelAuth) has cached, as after the token's first request:
 * their difference is the kernel's per-request work for a signed-in caller (issue #13's JWT route).
 * Last, the kernel's own listener (kernel/http/kernel-listener.ts) beside @hono/node-server's around
 * the same kernel app: CPU µs and bytes allocated per request from Node's request pair to the
 * written answer (OMEGA_BENCH_CALLS per round, default 50 000).
 */
const ROUNDS = Number(process.env.OMEGA_BENCH_ROUNDS ?? 7);
const CALLS = Number(process.env.OMEGA_BENCH_CALLS ?? 50_000);
const repo = join(import.meta.dirname, '..');
const BEFORE = process.env.OMEGA_BENCH_BEFORE;

type Fetch = (req: Request, env?: unknown) => Response | Promise<Response>;
/** The route answering through a promise (as a plugin route does), and its answer. */
const ASYNC_PATH = '/api/v1/bench-async';
const ECHO = '{"hello":"world"}';
/** The same, needing `echo:read`, and the access token (an EdDSA JWT's length) its caller sends. */
const GUARDED_PATH = '/api/v1/bench-guarded';
const ACCESS_TOKEN = `eyJhbGciOiJFZERTQSJ9.${'x'.repeat(300)}.${'s'.repeat(86)}`;

// As under the kernel's server: @hono/node-server's lightweight Request/Response become the globals.
getRequestListener(() => new Response(null));

/** The kernel's HTTP app of the checkout at `root`, serving its kernel routes. */
async function kernelApp(root: string): Promise<Fetch> {
  const http = (f: string) => import(join(root, 'kernel', 'http', f));
  const { createHttpApp } = await http('create-app.ts');
  const { kernelRoutes } = await http('kernel-routes.ts');
  const { RouteTable } = await http('route-table.ts');
  const { createLogger } = await import(join(root, 'kernel', 'log', 'index.ts'));
  const { createKernelAuth, PUBLIC } = await import(join(root, 'kernel', 'auth', 'index.ts'));
  const { defineRoute } = await http('route.ts');
  const { respondOwned } = await http('respond.ts');
  const table = new RouteTable();
  // A public route answering through a promise, as a plugin route does (its host's answer).
  table.add(
    defineRoute({
      method: 'GET',
      path: ASYNC_PATH,
      permission: PUBLIC,
      owner: 'kernel',
      summary: 'bench: an answer through a promise',
      handler: (_c: unknown, input: unknown) =>
        Promise.resolve(respondOwned(input, ECHO, 200, { 'content-type': 'application/json' })),
    }),
  );
  const facts = {
    version: '0.0.0',
    startedAt: Date.now(),
    readiness: () => ({ storage: true }),
    plugins: () => [],
    systemSnapshot: async () => ({}),
    publish: async (topic: string) => ({ seq: 1, topic, time: Date.now() }),
    tags: () => [],
  };
  // The same route needing a permission, for a caller whose access token the kernel already
  // verified (its decision cached, as after the token's first request).
  table.add(
    defineRoute({
      method: 'GET',
      path: GUARDED_PATH,
      permission: 'echo:read',
      owner: 'kernel',
      summary: 'bench: an answer through a promise, for a signed-in caller',
      handler: (_c: unknown, input: unknown) =>
        Promise.resolve(respondOwned(input, ECHO, 200, { 'content-type': 'application/json' })),
    }),
  );
  for (const route of kernelRoutes(table, facts)) table.add(route);
  const auth = createKernelAuth({
    verifyJwt: () => Promise.reject(new Error('the bench token is cached, never verified')),
    provider: () => undefined,
    adminToken: 'bench-admin-token-0123456789abcdef',
  });
  auth.cache.set(
    ACCESS_TOKEN,
    {
      principal: { id: 'u1', kind: 'user', permissions: ['*:read'], name: 'viewer', credentialId: 'j1' },
      expiresAt: Date.now() + 3_600_000,
      sub: 'u1',
      credentialId: 'j1',
    },
    auth.cache.generation,
  );
  const sink = new Writable({ write: (_c, _e, cb) => cb() });
  const app = createHttpApp({
    table,
    authenticator: auth.authenticator,
    logger: createLogger({ level: 'info', destination: sink as never }),
    bodyLimitBytes: 1 << 20,
    isStopping: () => false,
    log: { summaryIntervalMs: 0 },
  });
  return app.fetch as Fetch;
}

// @hono/node-server's own lightweight request (its getters read Node's request), built as its
// listener builds it; not in the package's exports, so imported by path.
const { newRequest } = (await import(
  join(repo, 'node_modules', '@hono', 'node-server', 'dist', 'request.mjs')
)) as { newRequest: (incoming: IncomingMessage) => unknown };

/** A request as @hono/node-server hands it over: its lightweight Request and Node's own pair. */
function nodeRequest(path: string, authorization?: string) {
  const incoming = new IncomingMessage(new Socket());
  incoming.method = 'GET';
  incoming.url = path;
  incoming.headers = { host: '127.0.0.1', 'user-agent': 'bench', accept: '*/*' };
  incoming.rawHeaders = ['Host', '127.0.0.1', 'User-Agent', 'bench', 'Accept', '*/*'];
  if (authorization !== undefined) {
    incoming.headers.authorization = authorization;
    incoming.rawHeaders.push('Authorization', authorization);
  }
  const outgoing = new ServerResponse(incoming);
  return { req: newRequest(incoming) as Request, env: { incoming, outgoing } };
}

const hono = new Hono();
hono.get('/api/v1/health', (c) => c.json({ status: 'ok' }));
hono.get(ASYNC_PATH, async (c) => c.json({ hello: 'world' }));
hono.get(GUARDED_PATH, async (c) => c.json({ hello: 'world' }));
const apps: Array<{ name: string; fetch: Fetch }> = [
  { name: 'bare hono, same answer', fetch: hono.fetch as Fetch },
  { name: 'kernel app', fetch: await kernelApp(repo) },
  ...(BEFORE ? [{ name: 'before: kernel app', fetch: await kernelApp(BEFORE) }] : []),
];
const health = nodeRequest('/api/v1/health');
const later = nodeRequest(ASYNC_PATH);
const signedIn = nodeRequest(GUARDED_PATH, `Bearer ${ACCESS_TOKEN}`);
for (const a of apps) {
  for (const { req, env } of [health, later, signedIn]) {
    const res = (await a.fetch(req, env)) as Response;
    if (res.status !== 200) throw new Error(`${a.name}: GET ${req.url} answered ${res.status}`);
  }
}

/** CPU µs per call over CALLS synchronous calls (every app here answers /health synchronously). */
function measure(fetch: Fetch): number {
  const { req, env } = health;
  const t0 = process.cpuUsage();
  for (let i = 0; i < CALLS; i++) fetch(req, env);
  const t = process.cpuUsage(t0);
  return (t.user + t.system) / CALLS;
}

/**
 * CPU µs per call over CALLS calls of the route answering through a promise, each awaited (the
 * await costs every app the same): what the app adds around a plugin route's promise.
 */
async function measureAsync(fetch: Fetch, { req, env } = later): Promise<number> {
  const t0 = process.cpuUsage();
  for (let i = 0; i < CALLS; i++) await fetch(req, env);
  const t = process.cpuUsage(t0);
  return (t.user + t.system) / CALLS;
}

for (const a of apps) {
  measure(a.fetch); // warm-up: every app optimised before the rounds
  await measureAsync(a.fetch);
  await measureAsync(a.fetch, signedIn);
}
const us = new Map(apps.map((a) => [a.name, [] as number[]]));
const usAsync = new Map(apps.map((a) => [a.name, [] as number[]]));
const usGuarded = new Map(apps.map((a) => [a.name, [] as number[]]));
for (let r = 0; r < ROUNDS; r++) {
  const order = r % 2 === 0 ? apps : [...apps].reverse();
  for (const a of order) {
    us.get(a.name)!.push(measure(a.fetch));
    usAsync.get(a.name)!.push(await measureAsync(a.fetch));
    usGuarded.get(a.name)!.push(await measureAsync(a.fetch, signedIn));
  }
}
const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)]!;
console.log(
  `in-process, ${ROUNDS} rounds × ${CALLS} calls, CPU µs per request (median; loadavg ${loadavg()
    .map((x) => x.toFixed(2))
    .join(' ')})`,
);
for (const [title, of] of [
  ['GET /api/v1/health (answered at once)', us],
  [`GET ${ASYNC_PATH} (answered through a promise, as a plugin route)`, usAsync],
  [`GET ${GUARDED_PATH} (the same, with a cached access token; bare hono checks nothing)`, usGuarded],
] as const) {
  console.log(title);
  const base = median(of.get(apps[0]!.name)!);
  for (const a of apps) {
    const m = median(of.get(a.name)!);
    console.log(
      `  ${a.name.padEnd(24)} ${m.toFixed(2).padStart(6)} µs (${of
        .get(a.name)!
        .map((x) => x.toFixed(2))
        .join(' ')})  ${a === apps[0] ? 'baseline' : `+${(m - base).toFixed(2)} µs over bare hono`}`,
    );
  }
}

// The listener (kernel/http/kernel-listener.ts) beside @hono/node-server's, both around this
// checkout's kernel app: from Node's request/response pair (made afresh per request, the same cost
// on both sides) to the answer written on Node's response, CPU µs and bytes allocated per request.
const { kernelListener } = (await import(join(repo, 'kernel', 'http', 'kernel-listener.ts'))) as {
  kernelListener: (
    f: Fetch,
    o: { secure: boolean },
  ) => (incoming: IncomingMessage, outgoing: ServerResponse) => void;
};
type Listener = (incoming: IncomingMessage, outgoing: ServerResponse) => unknown;
const kernelFetch = apps[1]!.fetch;
const listeners: Array<{ name: string; listener: Listener }> = [
  { name: '@hono/node-server listener', listener: getRequestListener(kernelFetch) as Listener },
  { name: 'kernel listener', listener: kernelListener(kernelFetch, { secure: false }) },
];
const socket = new Socket();
/** Serves one GET of `path` through `listener` on a fresh Node pair; resolves once the answer is ended. */
function serveOne(listener: Listener, path: string): Promise<void> {
  const incoming = new IncomingMessage(socket);
  incoming.method = 'GET';
  incoming.url = path;
  incoming.headers = { host: '127.0.0.1:4000', 'user-agent': 'bench', accept: '*/*' };
  incoming.rawHeaders = ['Host', '127.0.0.1:4000', 'User-Agent', 'bench', 'Accept', '*/*'];
  const outgoing = new ServerResponse(incoming);
  return new Promise<void>((resolve) => {
    const end = outgoing.end;
    outgoing.end = ((...args: Parameters<typeof end>) => {
      const r = end.apply(outgoing, args);
      resolve();
      return r;
    }) as typeof end;
    listener(incoming, outgoing);
  });
}
/**
 * CPU µs per request over CALLS requests, then bytes allocated per request over CALLS / 10 more
 * (heap used now − then + what each GC meanwhile freed; GCProfiler on, so not timed).
 */
async function measureListener(listener: Listener, path: string): Promise<[number, number]> {
  const t0 = process.cpuUsage();
  for (let i = 0; i < CALLS; i++) await serveOne(listener, path);
  const t = process.cpuUsage(t0);
  const n = Math.ceil(CALLS / 10);
  const gc = new GCProfiler();
  gc.start();
  const used0 = getHeapStatistics().used_heap_size;
  for (let i = 0; i < n; i++) await serveOne(listener, path);
  const used1 = getHeapStatistics().used_heap_size;
  let freed = 0;
  for (const s of gc.stop().statistics)
    freed += s.beforeGC.heapStatistics.usedHeapSize - s.afterGC.heapStatistics.usedHeapSize;
  return [(t.user + t.system) / CALLS, (used1 - used0 + freed) / n];
}
const LISTENER_PATHS = ['/api/v1/health', ASYNC_PATH];
for (const l of listeners) for (const p of LISTENER_PATHS) await measureListener(l.listener, p);
const byListener = new Map<string, { us: number[]; bytes: number[] }>();
for (let r = 0; r < ROUNDS; r++) {
  const order = r % 2 === 0 ? listeners : [...listeners].reverse();
  for (const l of order)
    for (const p of LISTENER_PATHS) {
      const key = `${p} ${l.name}`;
      const [us, bytes] = await measureListener(l.listener, p);
      const m = byListener.get(key) ?? { us: [], bytes: [] };
      m.us.push(us);
      m.bytes.push(bytes);
      byListener.set(key, m);
    }
}
console.log(
  `listener: Node's request pair → answer written, CPU µs and bytes allocated per request (median of ${ROUNDS})`,
);
for (const p of LISTENER_PATHS) {
  console.log(`GET ${p}`);
  const base = byListener.get(`${p} ${listeners[0]!.name}`)!;
  for (const l of listeners) {
    const m = byListener.get(`${p} ${l.name}`)!;
    const us = median(m.us);
    const bytes = median(m.bytes);
    console.log(
      `  ${l.name.padEnd(28)} ${us.toFixed(2).padStart(6)} µs (${m.us.map((x) => x.toFixed(2)).join(' ')}), ${(bytes / 1024).toFixed(2)} KB  ${
        l === listeners[0]
          ? 'baseline'
          : `${(us - median(base.us)).toFixed(2)} µs, ${((bytes - median(base.bytes)) / 1024).toFixed(2)} KB`
      }`,
    );
  }
}
