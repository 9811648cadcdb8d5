import { loadavg } from 'node:os';
import { join } from 'node:path';
import { cpuUsage } from 'node:process';
import { Context } from 'hono';

/**
 * The kernel's own per-request work for a cached JWT on a plugin route (issue #13), this checkout
 * against another (`OMEGA_BENCH_BEFORE`, default /work/before-s14), in-process and interleaved: the
 * known token's authorization as create-app's serve runs it (authorizeKnown: headers, decision
 * cache, permission) and the caller the plugin route hands the host (routeCaller). CPU ns per
 * request (process.cpuUsage), the median of OMEGA_BENCH_ROUNDS (default 9) rounds, A and B
 * alternating within each round. Each request gets a fresh header string in a Node-shaped request
 * (c.env.incoming), as Node's parser hands one over. OMEGA_BENCH_TOKENS (default 1): how many
 * users' cached tokens the requests take turns with (each request another user's than the last:
 * what a memo of the last answer costs when it never hits).
 * `OMEGA_BENCH_BEFORE=<a built checkout> node --conditions=source --import tsx bench/authorize-known-ab.ts`
 */
const BEFORE = process.env.OMEGA_BENCH_BEFORE;
if (!BEFORE) {
  console.error('authorize-known-ab: set OMEGA_BENCH_BEFORE to another built checkout (its kernel is B)');
  process.exit(2);
}
const ROUNDS = Number(process.env.OMEGA_BENCH_ROUNDS ?? 9);
const N = 400_000;
const TOKENS = Number(process.env.OMEGA_BENCH_TOKENS ?? 1);

interface Build {
  name: string;
  authorizeKnown: (...a: unknown[]) => unknown;
  routeCaller: (p: unknown, remote: string | undefined) => unknown;
  authenticator: unknown;
}

const BASE_TOKEN = `eyJhbGciOiJFZERTQSIsImtpZCI6Imsx${'In0.eyJzdWIiOiJ1LVRtM2hJUTNVZlVNUnF3R1MiLCJhdWQiOiJvbWVnYS'.repeat(4)}.${'Q2xhc3NpY0VkRFNBc2lnbmF0dXJlQmFzZTY0dXJs'.repeat(2)}x3`;
/**
 * User i's token: the same length, differing where real ones do, from the payload's first
 * characters on (its `sub`), after the shared `Bearer ` and header part, and in the signature.
 */
const tokenOf = (i: number) => {
  const at = BASE_TOKEN.indexOf('.') + 8;
  const n = String(i).padStart(2, '0');
  return `${BASE_TOKEN.slice(0, at)}${n}${BASE_TOKEN.slice(at + 2, -2)}${n}`;
};

async function load(name: string, root: string): Promise<Build> {
  const authMod = await import(join(root, 'kernel/auth/index.ts'));
  const http = await import(join(root, 'kernel/http/authorize-request.ts'));
  const auth = authMod.createKernelAuth({
    verifyJwt: async () => {
      throw new Error('not used');
    },
    provider: () => undefined,
    adminToken: 'bench-admin-token-0123456789abcdef',
  });
  for (let i = 0; i < TOKENS; i++) {
    const principal = Object.freeze({
      id: `u-Tm3hIQ3UfUMRqw${i}`,
      kind: 'user',
      permissions: Object.freeze(['*:read', 'events:subscribe', 'security:self']),
      denied: Object.freeze(['security:read', 'security:write', 'security:admin']),
      name: `bench${i}`,
    });
    auth.cache.set(
      tokenOf(i),
      { principal, expiresAt: Date.now() + 3_600_000, sub: principal.id, credentialId: `j${i}` },
      auth.cache.generation,
    );
  }
  return {
    name,
    authorizeKnown: http.authorizeKnown,
    routeCaller: authMod.routeCaller,
    authenticator: auth.authenticator,
  };
}

const builds = [await load('before', BEFORE), await load('after', join(import.meta.dirname, '..'))];
const route = { method: 'GET', path: '/api/v1/echo/guarded', permission: 'echo:read' };
const requestUrl = new Request('http://127.0.0.1/api/v1/echo/guarded');
const contexts = Array.from({ length: 256 }, (_, i) => {
  const authorization = Buffer.from(`Bearer ${tokenOf(i % TOKENS)}`, 'latin1').toString('latin1');
  const incoming = {
    headers: { host: '127.0.0.1:8080', authorization },
    rawHeaders: ['Host', '127.0.0.1:8080', 'Authorization', authorization],
    socket: { remoteAddress: '127.0.0.1' },
  };
  return new Context(requestUrl, { env: { incoming } });
});

function run(b: Build): number {
  let h = 0;
  let sink = 0;
  const one = () => {
    const c = contexts[h++ & 255]!;
    const p = b.authorizeKnown(c, route, b.authenticator);
    if (p === undefined) throw new Error(`${b.name}: the token was not known`);
    sink += b.routeCaller(p, '127.0.0.1') ? 1 : 0;
  };
  for (let i = 0; i < N / 10; i++) one();
  const c0 = cpuUsage();
  for (let i = 0; i < N; i++) one();
  const c = cpuUsage(c0);
  if (sink < 0) console.log(sink);
  return ((c.user + c.system) * 1000) / N;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const ns: Record<string, number[]> = { before: [], after: [] };
const ratios: number[] = [];
for (let r = 0; r < ROUNDS; r++) {
  const order = r % 2 === 0 ? builds : [...builds].reverse();
  const got: Record<string, number> = {};
  for (const b of order) got[b.name] = run(b);
  ns.before!.push(got.before!);
  ns.after!.push(got.after!);
  ratios.push(got.after! / got.before!);
}
console.log(
  `${TOKENS} user(s) taking turns; loadavg ${loadavg()
    .map((x) => x.toFixed(2))
    .join(' ')}, ${ROUNDS} rounds of ${N} requests`,
);
console.log(
  `before: median ${median(ns.before!).toFixed(1)} ns CPU/request (${ns.before!.map((x) => x.toFixed(0)).join(' ')})`,
);
console.log(
  `after:  median ${median(ns.after!).toFixed(1)} ns CPU/request (${ns.after!.map((x) => x.toFixed(0)).join(' ')})`,
);
console.log(`after/before, median of per-round ratios: ${median(ratios).toFixed(3)}`);
