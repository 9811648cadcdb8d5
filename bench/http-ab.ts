import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { balancedOrder, unbalancedRounds } from './balanced-order.js';
import { ensureWrk, wrk } from './http-load.js';
import { cpuMs } from './http-proc.js';
import { childPids, startOmega } from './servers/start-omega.js';
import { spawnServer } from './spawn-server.js';

/**
 * A quick A/B loop for the kernel's common request path (issue #13): kernel µs of CPU per
 * request on GET /health and the public plugin route, this checkout against another built
 * checkout (`OMEGA_BENCH_BEFORE`; without it only this checkout runs), beside bare hono,
 * interleaved round by round in a balanced order (balanced-order.ts: each target in each place and
 * after each other target equally often over a cycle; a warning says when the rounds are not a
 * whole number of cycles). `after again /health` is an A/A twin: this checkout's /health measured a
 * second time each round, so `after /health` over it, and the spread of its per-round ratios,
 * say how far apart two identical cases land in this run; the after/before ratios print beside
 * it (a before/after difference inside that spread is noise). It also splits the kernel's /health cost over bare hono's into
 * what bare hono pays for the kernel's three extra response headers (`hono + kernel headers`),
 * the kernel's HTTP app on its own server (`app alone`, servers/kernel-app.ts: kernel/http on
 * the kernel's `startServer`, no bus, storage or plugin hosts) and the rest of the kernel process
 * (`after` − `app alone`).
 * `node --conditions=source --import tsx bench/http-ab.ts` (after `npx tsup` in both);
 * OMEGA_BENCH_ROUNDS (default 5), OMEGA_BENCH_SECONDS per run (default 4), OMEGA_BENCH_ONLY
 * (comma-separated parts of target names). Each figure is also split out for the main thread
 * (the event loop), which is where the kernel's gap over bare hono is. The public plugin route
 * is also set beside the reference plugin path (`ref open`, servers/reference-plugin.ts) with
 * the plugin host's CPU added (`+host`: the busiest child of the server during the run, the
 * host serving the route), the two figures issue #13's goal compares. `after guarded` (and
 * `before guarded`) is the JWT route with the bench viewer's access token, and `after bearer,
 * guarded twin` the public route sent the same Authorization header (named so that
 * OMEGA_BENCH_ONLY=guarded selects it and =open does not: three targets each, a whole balanced
 * cycle in 6 rounds), so the JWT route's extra µs split into the
 * header's bytes and the token's check (OMEGA_BENCH_ONLY=open,guarded for the plugin routes alone).
 */
const BEFORE = process.env.OMEGA_BENCH_BEFORE;
const rounds = Number(process.env.OMEGA_BENCH_ROUNDS ?? 5);
const seconds = Number(process.env.OMEGA_BENCH_SECONDS ?? 4);
const only = process.env.OMEGA_BENCH_ONLY?.split(',');
ensureWrk();
const hono = await spawnServer(join(import.meta.dirname, 'servers', 'bare-hono.ts'));
const app = await spawnServer(join(import.meta.dirname, 'servers', 'kernel-app.ts'));
const mine = await startOmega();
const before = BEFORE ? await startOmega({ root: BEFORE }) : undefined;
const ref = await spawnServer(join(import.meta.dirname, 'servers', 'reference-plugin.ts'));
const pidOf = (s: { info: unknown }) => (s.info as { pid: number }).pid;
/**
 * A load target; `host` marks a plugin path, whose host (a child of `pid`) is measured too;
 * `headers` go with every request (a bearer token).
 */
type Target = { name: string; url: string; pid: number; host?: boolean; headers?: Record<string, string> };
/** The same viewer's access token on a route: what the JWT targets send. */
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const targets: Target[] = [
  { name: 'hono /health', url: `${hono.info.url}/api/v1/health`, pid: pidOf(hono) },
  {
    name: 'hono + kernel headers',
    url: `${hono.info.url}/api/v1/health/kernel-headers`,
    pid: pidOf(hono),
  },
  { name: 'app alone /health', url: `${app.info.url}/api/v1/health`, pid: pidOf(app) },
  ...(before ? [{ name: 'before /health', url: `${before.url}/api/v1/health`, pid: before.pid }] : []),
  { name: 'after /health', url: `${mine.url}/api/v1/health`, pid: mine.pid },
  { name: 'after again /health', url: `${mine.url}/api/v1/health`, pid: mine.pid },
  ...(before
    ? [{ name: 'before open', url: `${before.url}/api/v1/echo/open`, pid: before.pid, host: true }]
    : []),
  { name: 'after open', url: `${mine.url}/api/v1/echo/open`, pid: mine.pid, host: true },
  { name: 'ref open', url: `${ref.info.url}/api/v1/echo/open`, pid: pidOf(ref), host: true },
  // The JWT route (issue #13: authenticated ≥ 0.95× public), and the public route sent the same
  // Authorization header (which it ignores): guarded − twin is the kernel's work for the token,
  // twin − open what the header's bytes cost before any of it.
  ...(before
    ? [
        {
          name: 'before guarded',
          url: `${before.url}/api/v1/echo/guarded`,
          pid: before.pid,
          host: true,
          headers: bearer(before.token),
        },
      ]
    : []),
  {
    name: 'after guarded',
    url: `${mine.url}/api/v1/echo/guarded`,
    pid: mine.pid,
    host: true,
    headers: bearer(mine.token),
  },
  {
    name: 'after bearer, guarded twin',
    url: `${mine.url}/api/v1/echo/open`,
    pid: mine.pid,
    host: true,
    headers: bearer(mine.token),
  },
].filter((t) => !only || only.some((o) => t.name.includes(o)));
const us = new Map<string, number[]>(targets.map((t) => [t.name, []]));
const rps = new Map<string, number[]>(targets.map((t) => [t.name, []]));
/** CPU time of a process's main thread (the event loop) so far, ms. */
const mainThreadMs = (pid: number): number => {
  const stat = readFileSync(`/proc/${pid}/task/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(f[11]) + Number(f[12])) * 10;
};
const onMain = new Map<string, number[]>(targets.map((t) => [t.name, []]));
const withHost = new Map<string, number[]>(targets.map((t) => [t.name, []]));
/** CPU ms of each child of `pid` now. */
const childCpu = (pid: number): Map<number, number> =>
  new Map(
    childPids(pid).map((c) => {
      try {
        return [c, cpuMs(c)];
      } catch {
        return [c, Number.NaN]; // exited meanwhile
      }
    }),
  );
/** CPU ms the busiest child spent since `from` (the host that served the route). */
const hostMs = (pid: number, from: Map<number, number>): number => {
  let most = 0;
  for (const [c, ms] of childCpu(pid)) {
    const d = ms - (from.get(c) ?? Number.NaN);
    if (d > most) most = d;
  }
  return most;
};
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
try {
  for (const t of targets)
    await wrk(t.url, { connections: 50, seconds: 2, ...(t.headers ? { headers: t.headers } : {}) });
  const unbalanced = unbalancedRounds(rounds, targets.length);
  if (unbalanced) console.log(unbalanced);
  for (let r = 0; r < rounds; r++) {
    const order = balancedOrder(targets, r);
    const line: string[] = [];
    for (const t of order) {
      const c0 = cpuMs(t.pid);
      const m0 = mainThreadMs(t.pid);
      const h0 = t.host ? childCpu(t.pid) : undefined;
      const res = await wrk(t.url, {
        connections: 50,
        seconds,
        ...(t.headers ? { headers: t.headers } : {}),
      });
      const perReq = ((cpuMs(t.pid) - c0) * 1000) / res.requests;
      if (h0) withHost.get(t.name)!.push(perReq + (hostMs(t.pid, h0) * 1000) / res.requests);
      onMain.get(t.name)!.push(((mainThreadMs(t.pid) - m0) * 1000) / res.requests);
      us.get(t.name)!.push(perReq);
      rps.get(t.name)!.push(res.rps);
      line.push(`${t.name} ${perReq.toFixed(1)}`);
    }
    console.log(`round ${r + 1} (load ${loadavg()[0]!.toFixed(2)}): ${line.join(' · ')}`);
  }
  for (const t of targets) {
    const xs = us.get(t.name)!;
    console.log(
      `${t.name.padEnd(21)} median ${median(xs).toFixed(1)} µs CPU/req (${xs.map((x) => x.toFixed(1)).join(' ')}), main thread ${median(onMain.get(t.name)!).toFixed(1)}${t.host ? `, +host ${median(withHost.get(t.name)!).toFixed(1)}` : ''}, ${median(rps.get(t.name)!).toFixed(0)} req/s`,
    );
  }
  // Paired by round (each pair ran back to back, under the same load): the median of the
  // per-round ratios moves less with the machine's load than the ratio of the medians.
  const paired = (a: string, b: string, of: Map<string, number[]>) => {
    const xs = of.get(a);
    const ys = of.get(b);
    if (!xs?.length || !ys?.length) return undefined;
    return median(xs.map((x, i) => x / ys[i]!));
  };
  // The A/A twin: the same kernel's /health twice a round; its ratio's spread is the run's noise.
  const aaRatios = (of: Map<string, number[]>) => {
    const xs = of.get('after /health');
    const ys = of.get('after again /health');
    return xs?.length && ys?.length ? xs.map((x, i) => x / ys[i]!).sort((p, q) => p - q) : undefined;
  };
  const aa = aaRatios(us);
  const aaMain = aaRatios(onMain);
  const spread = (xs: number[]) =>
    `${median(xs).toFixed(3)} [${xs[0]!.toFixed(3)} – ${xs.at(-1)!.toFixed(3)}]`;
  const aaNote = aa
    ? `  | A/A (after /health / after again /health) kernel ${spread(aa)}${aaMain ? `, main thread ${spread(aaMain)}` : ''}`
    : '';
  if (aa)
    console.log(
      `A/A after /health / after again /health, per-round ratios lowest to highest: kernel ${aa.map((x) => x.toFixed(3)).join(' ')}: a before/after ratio inside this spread is noise`,
    );
  for (const [a, b] of [
    ['after /health', 'before /health'],
    ['after open', 'before open'],
    ['after open', 'ref open'],
    ['after guarded', 'before guarded'],
    ['after guarded', 'after open'],
    ['after guarded', 'after bearer, guarded twin'],
    ['after bearer, guarded twin', 'after open'],
  ] as const) {
    const k = paired(a, b, us);
    const kh = paired(a, b, withHost);
    const km = paired(a, b, onMain);
    if (k !== undefined)
      console.log(
        `${a} / ${b}, median of per-round ratios: kernel ${k.toFixed(3)}${km === undefined ? '' : `, main thread ${km.toFixed(3)}`}${kh === undefined ? '' : `, kernel+host ${kh.toFixed(3)}`}${aaNote}`,
      );
  }
  // The JWT route's extra kernel µs over the public one, split (medians of per-round differences).
  const diff = (a: string, b: string) => {
    const xs = us.get(a);
    const ys = us.get(b);
    return xs?.length && ys?.length ? median(xs.map((x, i) => x - ys[i]!)) : undefined;
  };
  const [jwt, bytes, auth] = [
    diff('after guarded', 'after open'),
    diff('after bearer, guarded twin', 'after open'),
    diff('after guarded', 'after bearer, guarded twin'),
  ];
  if (jwt !== undefined && bytes !== undefined && auth !== undefined)
    console.log(
      `after guarded − after open, median of per-round differences: kernel ${jwt.toFixed(2)} µs/req = the Authorization header's bytes (twin − open) ${bytes.toFixed(2)} + the token's check (guarded − twin) ${auth.toFixed(2)}`,
    );
  // Issue #13's goal: the public plugin route against the reference plugin path, per CPU-second.
  const cpu = (name: string, of: Map<string, number[]>) =>
    of.get(name)?.length ? median(of.get(name)!) : undefined;
  for (const side of ['before open', 'after open']) {
    const [k, r] = [cpu(side, us), cpu('ref open', us)];
    const [kh, rh] = [cpu(side, withHost), cpu('ref open', withHost)];
    if (k !== undefined && r !== undefined && kh !== undefined && rh !== undefined)
      console.log(
        `${side} vs ref open: kernel ${k.toFixed(1)} vs ${r.toFixed(1)} µs = ${(r / k).toFixed(2)}× per kernel CPU-second; kernel+host ${kh.toFixed(1)} vs ${rh.toFixed(1)} µs = ${(rh / kh).toFixed(2)}×`,
      );
  }
  // The kernel's /health over bare hono's, split (medians of main-thread µs per request).
  const m = (name: string) => (onMain.get(name)?.length ? median(onMain.get(name)!) : undefined);
  const [h, hh, a, k] = ['hono /health', 'hono + kernel headers', 'app alone /health', 'after /health'].map(
    m,
  );
  if (h !== undefined && hh !== undefined && a !== undefined && k !== undefined)
    console.log(
      `/health main thread over bare hono: kernel +${(k - h).toFixed(1)} µs = HTTP app alone +${(a - h).toFixed(1)} (bare hono pays +${(hh - h).toFixed(1)} for the same three headers) + rest of the kernel process ${k - a >= 0 ? '+' : ''}${(k - a).toFixed(1)}`,
    );
  console.log(
    `loadavg ${loadavg()
      .map((x) => x.toFixed(2))
      .join(' ')}`,
  );
} finally {
  await Promise.all([hono.stop(), app.stop(), mine.stop(), before?.stop(), ref.stop()]);
}
