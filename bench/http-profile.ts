import { mkdirSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { wrk } from './http-load.js';
import { startOmega } from './servers/start-omega.js';

/**
 * Profiles the kernel under load on one of the bench's targets, for reading where its CPU goes
 * (issue #13): `node --conditions=source --import tsx bench/http-profile.ts <health|open|guarded> [dir]`
 * (after `npx tsup`; dir defaults to $TMPDIR/omega-cpu-profiles) starts Omega as http.bench.ts does, with `--cpu-prof`, warms up 2 s, loads
 * the target with wrk (50 connections, OMEGA_BENCH_SECONDS, default 8 s), stops the kernel
 * gracefully and prints the .cpuprofile it wrote (open it in Chrome DevTools, Performance tab).
 */
const target = process.argv[2] ?? 'open';
if (!['health', 'open', 'guarded'].includes(target)) {
  console.error(`unknown target "${target}": use health, open (public plugin route) or guarded (JWT route)`);
  process.exit(2);
}
const dir = process.argv[3] ?? join(tmpdir(), 'omega-cpu-profiles');
mkdirSync(dir, { recursive: true });
const before = new Set(readdirSync(dir));
const seconds = Number(process.env.OMEGA_BENCH_SECONDS ?? 8);
const k = await startOmega({ nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${dir}`] });
const headers = target === 'guarded' ? { authorization: `Bearer ${k.token}` } : undefined;
const url = target === 'health' ? `${k.url}/api/v1/health` : `${k.url}/api/v1/echo/${target}`;
try {
  await wrk(url, { connections: 50, seconds: 2, ...(headers ? { headers } : {}) });
  const r = await wrk(url, { connections: 50, seconds, ...(headers ? { headers } : {}) });
  console.log(
    `${url}: ${r.requests} requests in ${seconds} s (${r.rps.toFixed(0)} req/s) under the profiler`,
  );
} finally {
  await k.stop();
}
for (const f of readdirSync(dir)) if (!before.has(f)) console.log(`profile: ${join(dir, f)}`);
