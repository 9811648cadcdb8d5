import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { compileRouteValidator } from '../kernel/http/route-validation/index.js';
import { bundlePlugin } from '../sdk/src/build/index.js';
import { removeDir, startTempKernel } from '../tests/helpers/temp-kernel.js';
import { writePluginDir } from '../tests/helpers/write-plugin-dir.js';
import { percentile, report } from './report.js';

/**
 * What checking a plugin route's declared schemas costs, each figure beside a same-run baseline.
 * The schema is a real one: the resources plugin's PUT /settings body (built here from its
 * src/route-schemas.ts, as `omega-plugin build` does).
 *
 * - Per request, in-process: the compiled check of a valid body and of an invalid one (errors
 *   collected), against JSON.parse of the same body text — what every JSON request already costs.
 *   BENCH_CHECKS (default 200,000) each.
 * - Through a real kernel and plugin: POST with that body to a route declaring the schema and to
 *   an identical route declaring none (same handler), BENCH_SECONDS (default 5) each, run twice
 *   in alternating order; autocannon runs in this process beside the kernel (both routes alike).
 */
const CHECKS = Number(process.env.BENCH_CHECKS ?? 200_000);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);

const manifest = (await bundlePlugin(join(import.meta.dirname, '..', 'plugins', 'resources'))).manifest;
const route = manifest.routes.find((r) => r.handler === 'putSettings');
if (!route?.schemas?.body) throw new Error('the resources plugin declares no body schema for putSettings');
const validate = compileRouteValidator('resources', route);
if (!validate) throw new Error('no validator compiled');

const good = {
  probe: { intervalMs: 20_000, packets: 4, enabled: true },
  thresholds: { lossWarn: 0.02 },
  version: 3,
};
const bad = { probe: { intervalMs: 'soon', packets: 400 }, thresholds: { nope: 1 }, version: 1.5 };
const goodText = JSON.stringify(good);

function perCallNs(fn: () => void): number {
  for (let i = 0; i < 10_000; i++) fn();
  const start = process.hrtime.bigint();
  for (let i = 0; i < CHECKS; i++) fn();
  return Number(process.hrtime.bigint() - start) / CHECKS;
}

const parseNs = perCallNs(() => JSON.parse(goodText));
const goodNs = perCallNs(() => validate({ body: good, query: {}, params: {} }));
const badNs = perCallNs(() => {
  try {
    validate({ body: bad, query: {}, params: {} });
  } catch {}
});
const base = { name: 'JSON.parse of the same body', value: parseNs };
report({ name: 'schema check, valid PUT /settings body', value: goodNs, unit: 'ns/request', baseline: base });
report({
  name: 'schema check, invalid body (5 field errors)',
  value: badNs,
  unit: 'ns/request',
  baseline: base,
});

// Through a real kernel: the same handler behind a route with and without the schema.
const work = mkdtempSync(join(tmpdir(), 'omega-bench-schemas-'));
writePluginDir(
  work,
  'bench',
  'export const plugin = { routes: { echo: (req) => ({ status: 200, body: { ok: true } }) } };\n',
  {
    permissions: ['http:routes'],
    routes: [
      { method: 'POST', path: '/plain', handler: 'echo', permission: 'public' },
      { method: 'POST', path: '/checked', handler: 'echo', permission: 'public', schemas: route.schemas },
    ],
  },
);
const grantsFile = join(work, 'grants.json');
writeFileSync(grantsFile, JSON.stringify({ bench: { granted: ['http:routes'], denied: [] } }));
const k = await startTempKernel({ plugins: { dirs: [work], grantsFile, warmHosts: 1 } });

async function load(path: string): Promise<{ rps: number; p99: number }> {
  const r = await autocannon({
    url: `${k.url}/api/v1/bench/${path}`,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: goodText,
    connections: 10,
    duration: SECONDS,
  });
  if (r.non2xx > 0 || r.errors > 0) throw new Error(`${path}: ${r.non2xx} non-2xx, ${r.errors} errors`);
  return { rps: r.requests.average, p99: r.latency.p99 };
}

try {
  await load('plain'); // warm-up: JIT, the plugin host
  const runs = {
    plain: [] as Array<{ rps: number; p99: number }>,
    checked: [] as Array<{ rps: number; p99: number }>,
  };
  for (const order of [
    ['plain', 'checked'],
    ['checked', 'plain'],
  ] as const)
    for (const path of order) runs[path].push(await load(path));
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  const plainRps = mean(runs.plain.map((r) => r.rps));
  const checkedRps = mean(runs.checked.map((r) => r.rps));
  report({
    name: 'POST through kernel + plugin, body schema declared',
    value: checkedRps,
    unit: 'req/s',
    baseline: { name: 'same route, no schema', value: plainRps },
  });
  report({
    name: 'p99 latency, body schema declared',
    value: percentile(
      runs.checked.map((r) => r.p99),
      100,
    ),
    unit: 'ms',
    baseline: {
      name: 'same route, no schema',
      value: percentile(
        runs.plain.map((r) => r.p99),
        100,
      ),
    },
  });
} finally {
  await k.stop();
  removeDir(k.dataDir);
  removeDir(work);
}
