import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { ACCESS_TOKEN_AUDIENCE, DecisionCache, tokenAuthenticator } from '../kernel/auth/index.js';
import { openCrypto } from '../kernel/crypto/index.js';
import { report } from './report.js';
import { spawnServer } from './spawn-server.js';

/**
 * (a) An authenticated plugin route vs the same handler declared public, same kernel, same run:
 * the price of per-request authentication (bearer JWT → verified-decision cache hit →
 * permission check). 32 connections, 5 s per case, alternating twice; the server alone in its
 * own process. Goal: ratio ≥ 0.85.
 * (b) In-process: a verified-decision cache hit vs a full EdDSA verification of the same token
 * (what a cache miss costs before the provider is asked).
 */
const DURATION = 5;
const CONNECTIONS = 32;

async function load(url: string, headers: Record<string, string> = {}) {
  const r = await autocannon({ url, connections: CONNECTIONS, duration: DURATION, headers });
  if (r.non2xx > 0 || r.errors > 0) throw new Error(`${url}: ${r.non2xx} non-2xx, ${r.errors} errors`);
  return { rps: r.requests.average, p99: r.latency.p99 };
}

const server = await spawnServer(join(import.meta.dirname, 'servers', 'auth-kernel.ts'));
const open = `${server.info.url}/api/v1/echo/open`;
const guarded = `${server.info.url}/api/v1/echo/guarded`;
const auth = { authorization: `Bearer ${server.info.token}` };
await load(open);
await load(guarded, auth);
const pub: number[] = [];
const sec: number[] = [];
const p99: { pub: number[]; sec: number[] } = { pub: [], sec: [] };
for (let round = 0; round < 2; round++) {
  const a = await load(open);
  const b = await load(guarded, auth);
  pub.push(a.rps);
  sec.push(b.rps);
  p99.pub.push(a.p99);
  p99.sec.push(b.p99);
}
await server.stop();
const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;

console.log(`load: ${CONNECTIONS} connections × ${DURATION} s per case, 2 alternating rounds, 127.0.0.1`);
const ratio = mean(sec) / mean(pub);
report({
  name: 'plugin route, authenticated (viewer JWT, echo:read)',
  value: mean(sec),
  unit: 'req/s',
  baseline: { name: 'same route declared public', value: mean(pub) },
  goal: 'ratio ≥ 0.85',
  met: ratio >= 0.85,
});
report({
  name: 'authenticated plugin route p99',
  value: mean(p99.sec),
  unit: 'ms',
  baseline: { name: 'public p99', value: mean(p99.pub) },
});

// (b) The per-request cost of the two paths, in this process.
const dir = mkdtempSync(join(tmpdir(), 'omega-bench-jwt-'));
const crypto = await openCrypto({ dataDir: dir });
const token = await crypto.signJwt(
  { perms: ['*:read'], deny: [], fam: 'u-1~f' },
  { subject: 'u-1', audience: ACCESS_TOKEN_AUDIENCE, expiresInSec: 900, jti: 'bench-jti-0001' },
);
const cache = new DecisionCache();
const authn = tokenAuthenticator({
  verifyJwt: (t, o) => crypto.verifyJwt(t, o),
  provider: () => ({
    name: 'bench',
    introspect: async () => ({ active: true }),
    resolveApiToken: async () => null,
    resolveAgentKey: async () => null,
    bootstrapStatus: async () => ({ needed: false }),
    armBootstrap: async () => {},
  }),
  cache,
});
await authn.authenticate({ bearer: token, headers: {} });
const N = 200_000;
let t0 = performance.now();
for (let i = 0; i < N; i++) await authn.authenticate({ bearer: token, headers: {} });
const hitUs = ((performance.now() - t0) * 1000) / N;
const M = 2_000;
t0 = performance.now();
for (let i = 0; i < M; i++) await crypto.verifyJwt(token, { audience: ACCESS_TOKEN_AUDIENCE });
const verifyUs = ((performance.now() - t0) * 1000) / M;
report({
  name: 'authenticate: verified-decision cache hit',
  value: hitUs,
  unit: 'µs',
  baseline: { name: 'EdDSA jwtVerify of the same token', value: verifyUs },
});
rmSync(dir, { recursive: true, force: true });
