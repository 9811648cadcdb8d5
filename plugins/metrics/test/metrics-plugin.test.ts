import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { hostname } from 'node:os';
import parsePrometheusTextFormat from 'parse-prometheus-text-format';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { removeDir, type TempKernel } from '../../../tests/helpers/temp-kernel.js';
import { metricsPluginsDir, startMetricsKernel, waitFor } from '../../../tests/metrics/metrics-kernel.js';
import { connect } from '../../../tests/ws/ws-helpers.js';
import { nodeIdFrom } from '../src/node-id.js';

type Json = Record<string, unknown> & { [k: string]: never | unknown };
type Point = [number, number | null];
type QueryBody = {
  tier: string;
  step: number;
  results: Array<{ id: string; node: string; points: Point[] }>;
};

const NODE = nodeIdFrom(hostname());
const CPU_TOTAL = `cpu.busy{node="${NODE}",cpu="total"}`;

describe('metrics plugin in a real kernel (real sandbox, real HTTP)', () => {
  let k: TempKernel;
  let plugins: { dir: string; grantsFile: string };
  let hooks: Server;
  const received: Array<{ status: string; alert: { rule: string; state: string } }> = [];
  const get = async (path: string) => {
    const res = await k.api(`/api/v1/metrics${path}`);
    return { status: res.status, body: (await res.json()) as Json };
  };
  const send = async (method: string, path: string, body?: unknown) => {
    const res = await k.api(`/api/v1/metrics${path}`, {
      method,
      headers: { 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: res.status, body: res.status === 204 ? {} : ((await res.json()) as Json) };
  };
  const query = async (params: Record<string, string>) => {
    const res = await get(`/query?${new URLSearchParams(params)}`);
    expect(res.status).toBe(200);
    return res.body as unknown as QueryBody;
  };
  const nonNull = (q: QueryBody) => (q.results[0]?.points ?? []).filter((p) => p[1] !== null);

  beforeAll(async () => {
    hooks = createServer((req, res) => {
      let text = '';
      req.on('data', (c) => {
        text += c;
      });
      req.on('end', () => {
        received.push(JSON.parse(text));
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((r) => hooks.listen(0, '127.0.0.1', r));
    const origin = `http://127.0.0.1:${(hooks.address() as AddressInfo).port}`;
    plugins = await metricsPluginsDir({ grant: [`net:fetch:${origin}`] });
    k = await startMetricsKernel(plugins, { plugins: { fetchAllowPrivate: true } });
  });
  afterAll(async () => {
    await k?.stop();
    hooks?.close();
    if (k) removeDir(k.dataDir);
    if (plugins) removeDir(plugins.dir);
  });

  it('runs sandboxed and collects every second, keyed by the host’s node id', async () => {
    const view = (await (await k.api('/api/v1/plugins/metrics')).json()) as {
      status: string;
      runtime?: { pid: number };
    };
    expect(view.status).toBe('running');
    expect(view.runtime?.pid).not.toBe(process.pid);
    const q = await waitFor(async () => {
      const r = await query({ series: CPU_TOTAL, from: 'now-30s' });
      return nonNull(r).length >= 3 && r;
    });
    expect(q.tier).toBe('raw');
    expect(q.step).toBe(1000);
    for (const [, v] of nonNull(q)) expect(v).toBeGreaterThanOrEqual(0);
    const series = await get(`/series?node=${NODE}&name=memory.available`);
    expect(series.body.items).toMatchObject([{ id: `memory.available{node="${NODE}"}`, unit: 'bytes' }]);
    expect(series.body.nodes).toEqual([NODE]);
  });

  it('serves the latest snapshot, aggregations and refuses bad queries with a coded 400', async () => {
    const latest = await get('/latest');
    const [node] = latest.body.nodes as Array<{ node: string; values: Record<string, number>; data: Json }>;
    expect(node?.node).toBe(NODE);
    expect(Object.keys(node?.data ?? {})).toEqual(
      expect.arrayContaining(['cpu', 'memory', 'disk', 'network', 'topology']),
    );
    expect(node?.values[`memory.total{node="${NODE}"}`]).toBeGreaterThan(0);
    const max = await query({ series: 'cpu.busy{cpu="total"}', from: 'now-1m', step: '1m', agg: 'max' });
    const p95 = await query({ series: 'cpu.busy{cpu="total"}', from: 'now-1m', step: '1m', agg: 'p95' });
    const lastMax = nonNull(max).at(-1)?.[1] ?? Number.NaN;
    expect(nonNull(p95).at(-1)?.[1]).toBeLessThanOrEqual(lastMax);
    const bad = await get('/query?series=cpu.busy&agg=median');
    expect(bad.status).toBe(400);
    expect(bad.body.code).toBe('OMEGA_ERR_VALIDATION');
    // A step finer than the tier is raised to it; what still exceeds the point limit is refused.
    expect((await get('/query?series=cpu.busy&from=now-1h&step=1ms')).status).toBe(200);
    const far = await get(`/query?series=cpu.busy&from=now-1h&to=${Date.now() + 86_400_000}&step=1s`);
    expect(far.body).toMatchObject({
      status: 400,
      code: 'OMEGA_ERR_VALIDATION',
      errors: [{ field: 'step' }],
      // the plugin's problem carries what every kernel problem does (docs/errors.md)
      title: 'Invalid input',
      instance: '/api/v1/metrics/query',
      requestId: expect.stringMatching(/\S/),
    });
    // A step of centuries over the 1 s tier read ~10^8 buckets per point: each such query ran the
    // plugin past its spin limit (504), and five in a minute quarantined it for every caller.
    for (let i = 0; i < 6; i++)
      expect((await get('/query?series=cpu.busy&from=now-1h&step=100000h')).status).toBe(200);
    expect((await get('/latest')).status).toBe(200);
  });

  it('decimates server-side to a chart width with agg=minmax, refusing bad parameters by field', async () => {
    const res = await get(
      `/query?series=${encodeURIComponent('cpu.busy{cpu="total"}')}&from=now-5m&points=40&agg=minmax`,
    );
    expect(res.status).toBe(200);
    const body = res.body as unknown as QueryBody & { columns: string[]; agg: string };
    expect(body).toMatchObject({ agg: 'minmax', columns: ['t', 'avg', 'min', 'max'] });
    const points = body.results[0]?.points as unknown as Array<[number, ...Array<number | null>]>;
    expect(points.length).toBeLessThanOrEqual(40);
    const filled = points.filter((pt) => pt[1] !== null) as Array<[number, number, number, number]>;
    expect(filled.length).toBeGreaterThan(0);
    for (const [, avg, min, max] of filled) {
      expect(min).toBeLessThanOrEqual(avg);
      expect(avg).toBeLessThanOrEqual(max);
    }
    for (const [q, field] of [
      ['points=1', 'points'],
      ['points=300&step=1m', 'points'],
      ['agg=minmax&points=x', 'points'],
      ['agg=band', 'agg'],
    ] as const) {
      const bad = await get(`/query?series=cpu.busy&${q}`);
      expect(bad.body).toMatchObject({ status: 400, code: 'OMEGA_ERR_VALIDATION', errors: [{ field }] });
    }
  });

  it('publishes live samples on the event stream', async () => {
    const ws = connect(`${k.url.replace('http', 'ws')}/api/v1/events?topics=metrics.sample`, {
      headers: { authorization: `Bearer ${k.token}` },
    });
    const frames = await ws.waitFrames(3);
    ws.ws.close();
    const events = frames.filter((f) => f.type === 'event') as unknown as Array<{
      topic: string;
      data: {
        node: string;
        at: number;
        values: Record<string, number>;
        prom?: unknown;
      };
    }>;
    expect(events.length).toBeGreaterThanOrEqual(2);
    expect(events[0]?.topic).toBe('metrics.sample');
    expect(events[0]?.data.node).toBe(NODE);
    expect(events[0]?.data.values[CPU_TOTAL]).toBeGreaterThanOrEqual(0);
    // Each value once, by series id: no second form of the same collection rides along.
    expect(Object.keys(events[0]!.data).sort()).toEqual(
      events[0]!.data.prom === undefined ? ['at', 'node', 'values'] : ['at', 'node', 'prom', 'values'],
    );
    expect(Object.keys(events[0]!.data.values).length).toBeGreaterThan(10);
    expect(events[1]!.data.at).toBeGreaterThan(events[0]!.data.at);
  });

  it('exposes Prometheus text behind its own permission, read back by a real parser', async () => {
    expect((await k.api('/api/v1/metrics/prometheus', { token: false })).status).toBe(401);
    const doc = (await (await k.api('/api/v1/openapi.json')).json()) as {
      paths: Record<string, Record<string, Record<string, unknown>>>;
    };
    expect(doc.paths['/api/v1/metrics/prometheus']?.get?.['x-omega-permission']).toBe('metrics:scrape');
    const res = await k.api('/api/v1/metrics/prometheus');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/plain; version=0.0.4');
    const families = new Map(parsePrometheusTextFormat(await res.text()).map((f) => [f.name, f]));
    for (const name of [
      'node_cpu_seconds_total',
      'node_memory_MemAvailable_bytes',
      'node_filesystem_avail_bytes',
      'node_network_receive_bytes_total',
      'node_load1',
    ])
      expect(families.get(name)?.metrics[0]?.labels?.node, name).toBe(NODE);
  });

  it('fires and resolves alerts: events, webhook, rule status, history; versions guard updates', async () => {
    const events: Array<{ topic: string; data: { rule: string; state: string } }> = [];
    const sub = k.kernel.bus.subscribe(['metrics.alert.*'], (batch) => {
      for (const e of batch) events.push(e as never);
    });
    const webhook = `http://127.0.0.1:${(hooks.address() as AddressInfo).port}/hook`;
    const created = await send('POST', '/alerts/rules', {
      id: 'mem-present',
      series: 'memory.total',
      comparator: '>',
      threshold: 0,
      for: '1s',
      severity: 'critical',
      labels: { team: 'ops' },
      webhook,
    });
    expect(created.status).toBe(201);
    expect(
      (
        await send('POST', '/alerts/rules', {
          id: 'mem-present',
          series: 'load.1',
          comparator: '>',
          threshold: 1,
        })
      ).status,
    ).toBe(409);
    expect(
      (await send('POST', '/alerts/rules', { series: 'load.1', comparator: '~', threshold: 1 })).body,
    ).toMatchObject({ code: 'OMEGA_ERR_VALIDATION', errors: [{ field: 'comparator' }] });
    await waitFor(() => events.some((e) => e.topic === 'metrics.alert.firing'));
    const rule = await get('/alerts/rules/mem-present');
    expect(rule.body).toMatchObject({ id: 'mem-present', version: 1, status: { state: 'firing' } });
    expect((await get('/alerts')).body.items).toMatchObject([
      { rule: 'mem-present', node: NODE, state: 'firing', labels: { team: 'ops' } },
    ]);
    await waitFor(() => received.some((r) => r.status === 'firing'));

    const stale = await send('PUT', '/alerts/rules/mem-present', {
      series: 'memory.total',
      comparator: '<',
      threshold: 0,
      version: 7,
    });
    expect(stale.status).toBe(409);
    const del = await send('DELETE', '/alerts/rules/mem-present');
    expect(del.status).toBe(204);
    expect(events.filter((e) => e.topic === 'metrics.alert.resolved')).toMatchObject([
      { data: { rule: 'mem-present', state: 'resolved' } },
    ]);
    await waitFor(() => received.some((r) => r.status === 'resolved'));
    const history = await get('/alerts/history');
    expect((history.body.items as Array<{ state: string }>).map((h) => h.state)).toEqual([
      'resolved',
      'firing',
    ]);
    sub.unsubscribe();
  });

  it('keeps history, rules and alert history across a restart', async () => {
    expect(
      (
        await send('PUT', '/alerts/rules/hot-cpu', {
          series: 'cpu.busy{cpu="total"}',
          comparator: '>',
          threshold: 2,
        })
      ).status,
    ).toBe(201);
    const before = nonNull(await query({ series: CPU_TOTAL, from: 'now-5m' }));
    expect(before.length).toBeGreaterThan(0);
    await k.stop();
    k = await startMetricsKernel(plugins, { dataDir: k.dataDir, plugins: { fetchAllowPrivate: true } });
    const after = await query({
      series: CPU_TOTAL,
      from: String(before[0]![0]),
      to: String(before.at(-1)![0]),
    });
    const kept = new Map(nonNull(after).map(([t, v]) => [t, v]));
    for (const [t, v] of before) expect(kept.get(t), `t=${t}`).toBeCloseTo(v as number, 6);
    expect(((await get('/alerts/rules')).body.items as Array<{ id: string }>).map((r) => r.id)).toEqual([
      'hot-cpu',
    ]);
    expect(((await get('/alerts/history')).body.items as unknown[]).length).toBe(2);
  });

  it('serves the Prometheus scrape route publicly when the operator chooses so in the grants', async () => {
    expect((await k.api('/api/v1/metrics/prometheus', { token: false })).status).toBe(401);
    const view = (await (await k.api('/api/v1/plugins/metrics')).json()) as {
      permissions: { granted: string[] };
    };
    const put = await k.api('/api/v1/plugins/metrics/grants', {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ granted: view.permissions.granted, routes: { 'GET /prometheus': 'public' } }),
    });
    expect(put.status).toBe(200);
    expect((await k.api('/api/v1/plugins/metrics/reload', { method: 'POST' })).status).toBe(200);
    const scrape = await waitFor(async () => {
      const res = await k.api('/api/v1/metrics/prometheus', { token: false });
      return res.status === 200 ? res.text() : undefined;
    });
    expect(parsePrometheusTextFormat(scrape).some((f: { name: string }) => f.name === 'node_load1')).toBe(
      true,
    );
    // Everything else still needs its permission.
    expect((await k.api('/api/v1/metrics/latest', { token: false })).status).toBe(401);
  });
});
