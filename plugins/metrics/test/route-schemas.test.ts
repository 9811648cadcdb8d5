import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type Answer,
  DeclaredSchemas,
  expectDocumented,
  expectRefused,
} from '../../../tests/helpers/declared-schemas.js';
import { removeDir, type TempKernel } from '../../../tests/helpers/temp-kernel.js';
import {
  METRICS_DIR,
  metricsPluginsDir,
  startMetricsKernel,
  waitFor,
} from '../../../tests/metrics/metrics-kernel.js';

/*
 * The metrics API's declared schemas against a real kernel running the built plugin: bad
 * requests are refused by the kernel naming the field, every real answer validates against the
 * response schema dist/plugin.json declares for its status, and the OpenAPI document carries them.
 */

// biome-ignore lint/suspicious/noExplicitAny: API bodies are read loosely; the schemas check them
type Doc = Record<string, any>;

const ALWAYS = { series: 'cpu.busy{cpu="total"}', comparator: '>=', threshold: 0 };

describe('metrics route schemas (real kernel, built plugin)', () => {
  let k: TempKernel;
  let plugins: { dir: string; grantsFile: string };
  let declared: DeclaredSchemas;
  const call = async (method: string, path: string, body?: unknown): Promise<Answer> => {
    const res = await k.api(`/api/v1/metrics${path}`, {
      method,
      ...(body === undefined
        ? {}
        : { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }),
    });
    const text = await res.text();
    const json = res.headers.get('content-type')?.includes('json');
    return { status: res.status, body: text === '' ? undefined : json ? JSON.parse(text) : text };
  };
  /** Calls a route and checks its answer against what `handler` declares. */
  const ok = async (handler: string, method: string, path: string, body?: unknown): Promise<Doc> =>
    declared.expectDeclared<Doc>(handler, await call(method, path, body));

  beforeAll(async () => {
    plugins = await metricsPluginsDir();
    declared = new DeclaredSchemas(join(METRICS_DIR, 'dist', 'plugin.json'));
    k = await startMetricsKernel(plugins);
  });
  afterAll(async () => {
    await k?.stop();
    if (k) removeDir(k.dataDir);
    if (plugins) removeDir(plugins.dir);
  });

  it('refuses bad queries, bodies and path parameters with a 400 naming the field', async () => {
    const cases: Array<[string, string, unknown, string[]]> = [
      ['GET', '/query', undefined, ['series']],
      ['GET', '/query?series=cpu.busy&points=1', undefined, ['points']],
      ['GET', '/query?series=cpu.busy&agg=median', undefined, ['agg']],
      ['GET', '/query?series=cpu.busy&from=yesterday&step=fast', undefined, ['from', 'step']],
      ['GET', '/series?limit=0', undefined, ['limit']],
      ['GET', '/series?cursor=NOT-ONE', undefined, ['cursor']],
      ['GET', '/alerts/history?limit=5000&cursor=abc', undefined, ['limit', 'cursor']],
      [
        'POST',
        '/alerts/rules',
        { series: 'cpu.busy', comparator: '~', threshold: 'high' },
        ['comparator', 'threshold'],
      ],
      [
        'POST',
        '/alerts/rules',
        { ...ALWAYS, id: 'Bad Id', webhook: 'ftp://x', for: '5 minutes' },
        ['id', 'webhook', 'for'],
      ],
      [
        'POST',
        '/alerts/rules',
        { ...ALWAYS, labels: { team: 7 }, severity: 'page' },
        ['labels.team', 'severity'],
      ],
      ['POST', '/alerts/rules', undefined, ['(body)']],
      ['PUT', '/alerts/rules/Not%20An%20Id', ALWAYS, ['id']],
      ['PUT', '/alerts/rules/cpu-high', { ...ALWAYS, version: -1 }, ['version']],
      ['DELETE', '/alerts/rules/cpu-high?version=one', undefined, ['version']],
      ['GET', '/alerts/rules/UPPER', undefined, ['id']],
      ['POST', '/alerts/silences', { rule: 'cpu-high', reason: '   ', for: 'soon' }, ['reason', 'for']],
      ['GET', '/alerts/silences?state=gone', undefined, ['state']],
      ['GET', '/alerts/silences/nope', undefined, ['id']],
      ['DELETE', '/alerts/silences/sil-1?version=x', undefined, ['version']],
      ['POST', '/alerts/zz/ack', { reason: '' }, ['id', 'reason']],
    ];
    for (const [method, path, body, fields] of cases)
      expectRefused(await call(method, path, body), fields, `${method} ${path}`);
    // None of the refused writes reached the plugin.
    expect((await ok('listRules', 'GET', '/alerts/rules')).items).toEqual([]);
    expect((await ok('listSilences', 'GET', '/alerts/silences')).items).toEqual([]);
  });

  it('answers every route with what its response schema declares', async () => {
    const latest = await waitFor(async () => {
      const l = await ok('latest', 'GET', '/latest');
      return l.nodes.length > 0 && l;
    });
    const node = latest.nodes[0].node as string;
    await ok('latest', 'GET', `/latest?node=${node}`);
    const page = await ok('series', 'GET', '/series?limit=3');
    expect(page.items).toHaveLength(3);
    await ok('series', 'GET', `/series?limit=3&cursor=${page.nextCursor}&node=${node}`);
    await ok('series', 'GET', '/series?name=session.cpu');
    await waitFor(async () => {
      const q = await ok('query', 'GET', `/query?series=${encodeURIComponent(ALWAYS.series)}&from=now-30s`);
      return q.results.length > 0 && q.results[0].points.some((p: unknown[]) => p[1] !== null);
    });
    await ok('query', 'GET', '/query?series=cpu.busy&from=now-5m&points=40&agg=minmax');
    await ok('query', 'GET', `/query?series=no.such.series&node=${node}&step=1m&agg=p95`);
    const text = await call('GET', '/prometheus');
    expect(String(text.body)).toContain('# TYPE');
    declared.expectDeclared('prometheus', text);

    // Rules: create (201), replace (200), create by PUT (201), one, the list; an alert fires.
    const created = await ok('createRule', 'POST', '/alerts/rules', {
      id: 'always',
      ...ALWAYS,
      labels: { team: 'a' },
    });
    expect(created.status.state).toBe('inactive');
    await ok('createRule', 'POST', '/alerts/rules', {
      ...ALWAYS,
      for: '1h',
      summary: 'never fires in a test',
    });
    await ok('updateRule', 'PUT', '/alerts/rules/always', {
      ...ALWAYS,
      labels: { team: 'a' },
      version: created.version,
      severity: 'critical',
    });
    await ok('updateRule', 'PUT', '/alerts/rules/by-put', { ...ALWAYS, threshold: 1e9, comparator: '>' });
    const firing = await waitFor(async () => {
      const r = await ok('getRule', 'GET', '/alerts/rules/always');
      return r.status.state === 'firing' && r;
    });
    await ok('listRules', 'GET', '/alerts/rules');
    const active = await ok('activeAlerts', 'GET', '/alerts');
    const alert = active.items.find((a: Doc) => a.rule === 'always');
    expect(alert.id).toBe(firing.status.alerts[0].id);

    // Acknowledge and silence it: the alert view carries both.
    await ok('ackAlert', 'POST', `/alerts/${alert.id}/ack`, { reason: ' on it ' });
    const silence = await ok('createSilence', 'POST', '/alerts/silences', {
      rule: 'always',
      labels: { team: 'a' },
      reason: 'maintenance',
      for: '1h',
    });
    await ok('createSilence', 'POST', '/alerts/silences', {
      labels: { team: 'b' },
      reason: 'later',
      until: new Date(Date.now() + 3_600_000).toISOString(),
    });
    const shown = (await ok('activeAlerts', 'GET', '/alerts')).items.find((a: Doc) => a.id === alert.id);
    expect(shown.acknowledged.reason).toBe('on it');
    expect(shown.silenced.silences[0].id).toBe(silence.id);
    await ok('getSilence', 'GET', `/alerts/silences/${silence.id}`);
    await ok('listSilences', 'GET', '/alerts/silences?state=active');
    const expired = await ok(
      'expireSilence',
      'DELETE',
      `/alerts/silences/${silence.id}?version=${silence.version}`,
    );
    expect(expired.status.state).toBe('expired');
    await ok('expireSilence', 'DELETE', `/alerts/silences/${silence.id}`);
    await ok('listSilences', 'GET', '/alerts/silences?state=expired');

    // Deleting the rule resolves its alert: the history has both transitions.
    const rule = await ok('getRule', 'GET', '/alerts/rules/always');
    await ok('deleteRule', 'DELETE', `/alerts/rules/always?version=${rule.version}`);
    await ok('deleteRule', 'DELETE', '/alerts/rules/by-put');
    const history = await waitFor(async () => {
      const h = await ok('alertHistory', 'GET', '/alerts/history?limit=1');
      return h.items[0]?.state === 'resolved' && h;
    });
    expect(history.nextCursor).toBeDefined();
    const older = await ok('alertHistory', 'GET', `/alerts/history?limit=10&cursor=${history.nextCursor}`);
    expect(older.items.map((i: Doc) => i.state)).toContain('firing');

    expect(declared.unchecked()).toEqual([]);
  });

  it('documents every operation with its parameters, body and responses in the OpenAPI document', async () => {
    const doc = (await (await k.api('/api/v1/openapi.json')).json()) as Parameters<
      typeof expectDocumented
    >[0];
    const ids = expectDocumented(doc, 'metrics', declared.routes);
    // The typed CLI client is generated from these ids: they must not move.
    expect(ids.query).toBe('metricsGetApiV1MetricsQuery');
    expect(ids.ackAlert).toBe('metricsPostApiV1MetricsAlertsIdAck');
    expect(ids.deleteRule).toBe('metricsDeleteApiV1MetricsAlertsRulesId');
  });
});
