import { join } from 'node:path';
import autocannon from 'autocannon';
import { report } from './report.js';
import { spawnServer } from './spawn-server.js';

/**
 * (a) A kernel route vs the same answer from a bare hono route, same run, same load:
 * 32 connections for 5 s against 127.0.0.1, each server alone in its own process.
 * The kernel path includes request ids, the access log, route-table dispatch and, for
 * /api/v1/kernel, bearer authentication.
 */
const DURATION = 5;
const CONNECTIONS = 32;

async function load(url: string, headers: Record<string, string> = {}) {
  const r = await autocannon({ url, connections: CONNECTIONS, duration: DURATION, headers });
  if (r.non2xx > 0 || r.errors > 0) throw new Error(`${url}: ${r.non2xx} non-2xx, ${r.errors} errors`);
  return { rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99 };
}

const dir = import.meta.dirname;
const bare = await spawnServer(join(dir, 'servers', 'bare-hono.ts'));
await load(`${bare.info.url}/api/v1/health`); // warm-up
const base = await load(`${bare.info.url}/api/v1/health`);
await bare.stop();

const kernel = await spawnServer(join(dir, 'servers', 'kernel.ts'));
await load(`${kernel.info.url}/api/v1/health`);
const pub = await load(`${kernel.info.url}/api/v1/health`);
const auth = await load(`${kernel.info.url}/api/v1/kernel`, { authorization: `Bearer ${kernel.info.token}` });
await kernel.stop();

console.log(`load: ${CONNECTIONS} connections × ${DURATION} s per case, 127.0.0.1`);
const baseline = { name: 'bare hono route', value: base.rps, unit: 'req/s' };
report({ name: 'kernel public route (GET /api/v1/health)', value: pub.rps, unit: 'req/s', baseline });
report({ name: 'kernel authenticated route (GET /api/v1/kernel)', value: auth.rps, unit: 'req/s', baseline });
report({
  name: 'kernel public route p50 latency',
  value: pub.p50,
  unit: 'ms',
  baseline: { name: 'bare hono p50', value: base.p50 },
});
report({
  name: 'kernel public route p99 latency',
  value: pub.p99,
  unit: 'ms',
  baseline: { name: 'bare hono p99', value: base.p99 },
});
report({
  name: 'kernel authenticated route p99 latency',
  value: auth.p99,
  unit: 'ms',
  baseline: { name: 'bare hono p99', value: base.p99 },
});
