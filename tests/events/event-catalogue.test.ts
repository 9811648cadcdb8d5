import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import parsePrometheusTextFormat from 'parse-prometheus-text-format';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validatePattern } from '../../kernel/bus/index.js';
import {
  EVENT_FRAME_SCHEMAS,
  type EventTopicSpec,
  findTopicSpec,
  topicSpecCovers,
} from '../../kernel/events/index.js';
import { parseSeriesId } from '../../plugins/metrics/src/series/series-id.js';
import { ALL_TOPIC_SPECS, EVENT_CATALOGUES } from '../../scripts/events-doc/event-catalogues.js';
import { payloadJsonSchema } from '../../scripts/events-doc/render-events-doc.js';
import { userWithRoles } from '../security/security-kernel.js';
import {
  api,
  cancelAll,
  createSession,
  type Doc,
  hostileBinary,
  METRICS_DIR,
  type NodesKernel,
  SECURITY_DIR,
  skipReason,
  startNode,
  startSessionsKernel,
  stopNode,
  type TestNode,
  until,
  waitSession,
} from '../sessions/helpers/sessions-cluster.js';
import { connect } from '../ws/ws-helpers.js';

const RESOURCES_DIR = `${METRICS_DIR}/../resources`;

interface Seen {
  seq: number;
  topic: string;
  data: unknown;
}

const ajv = new Ajv2020({ allErrors: true, strict: false });
const validators = new Map<EventTopicSpec, ValidateFunction>();
const validatorOf = (spec: EventTopicSpec): ValidateFunction => {
  let v = validators.get(spec);
  if (!v) {
    v = ajv.compile(payloadJsonSchema(spec.schema));
    validators.set(spec, v);
  }
  return v;
};

describe('the event catalogues', () => {
  it('declare valid topics and patterns, each concrete topic once', () => {
    expect(EVENT_CATALOGUES.length).toBeGreaterThanOrEqual(7);
    for (const spec of ALL_TOPIC_SPECS) {
      expect(() => validatePattern(spec.topic), spec.topic).not.toThrow();
      expect(spec.description.length, spec.topic).toBeGreaterThan(10);
      if (spec.variants) expect(spec.topic.split('.').filter((s) => s === '*').length, spec.topic).toBe(1);
    }
    // A closed pattern's concrete topics are each described by one entry only.
    for (const spec of ALL_TOPIC_SPECS.filter((s) => s.variants))
      for (const v of spec.variants ?? []) {
        const topic = spec.topic.replace('*', v);
        expect(
          ALL_TOPIC_SPECS.filter((s) => topicSpecCovers(s, topic)).map((s) => s.topic),
          topic,
        ).toEqual([spec.topic]);
      }
    // An exact entry wins over an open pattern that also covers it.
    expect(findTopicSpec(ALL_TOPIC_SPECS, 'metrics.alert.acknowledged')?.topic).toBe(
      'metrics.alert.acknowledged',
    );
    expect(findTopicSpec(ALL_TOPIC_SPECS, 'metrics.alert.firing')?.topic).toBe('metrics.alert.*');
    expect(findTopicSpec(ALL_TOPIC_SPECS, 'nodes.node.exploded')).toBeUndefined();
    expect(findTopicSpec(ALL_TOPIC_SPECS, 'ops.team.deploy')?.topic).toBe('ops.**');
  });

  it('reject a payload that breaks its schema (the schemas are not vacuous)', () => {
    const sample = findTopicSpec(ALL_TOPIC_SPECS, 'metrics.sample')!;
    const v = validatorOf(sample);
    const good = {
      node: 'n1',
      at: 1,
      values: { 'load.1{node="n1"}': 0.5 },
    };
    expect(v(good)).toBe(true);
    expect(v({ ...good, prom: { 'load.1{node="n1"}': { name: 'node_load1' } } })).toBe(true);
    expect(v({ ...good, prom: { 'load.1{node="n1"}': { labels: {} } } })).toBe(false);
    expect(v({ ...good, values: { 'load.1{node="n1"}': '0.5' } })).toBe(false);
    expect(v({ node: 'n1', at: 1 })).toBe(false); // the values are the sample
    expect(v({ ...good, at: 'yesterday' })).toBe(false);
    const node = validatorOf(findTopicSpec(ALL_TOPIC_SPECS, 'nodes.node.ready')!);
    expect(node({ id: 'a', name: 'a', state: 'exploded', reason: '', since: '' })).toBe(false);
  });
});

const reason = await skipReason();

describe.skipIf(reason !== null)(
  `every event a running Omega publishes fits its catalogue entry${reason ? ` (skipped: ${reason})` : ''}`,
  () => {
    let k: NodesKernel;
    let node: TestNode | undefined;
    const seen: Seen[] = [];
    let unsubscribe = () => {};

    beforeAll(async () => {
      await hostileBinary();
      k = await startSessionsKernel({ with: [METRICS_DIR, RESOURCES_DIR, SECURITY_DIR] });
      for (const p of ['metrics', 'resources', 'security'])
        expect(k.kernel.plugins.info(p).status, p).toBe('running');
      // From seq 0: the kernel's start and the plugins' activation are in the replay window.
      const sub = k.kernel.bus.subscribe(['**'], (batch) => void seen.push(...(batch as Seen[])), {
        since: 0,
      });
      unsubscribe = () => sub.unsubscribe();
      node = await startNode(k, 'ev1');
    }, 240_000);

    afterAll(async () => {
      unsubscribe();
      if (k) await cancelAll(k).catch(() => {});
      if (node) await stopNode(node);
      await k?.close();
    }, 60_000);

    it('publishes the core topics while nodes, sessions, alerts and operators act, each valid', async () => {
      const id = (await api<Doc>(k, '/api/v1/nodes/ev1')).body.id as string;
      expect(
        (await api(k, `/api/v1/nodes/${id}/cordon`, { method: 'POST', body: { reason: 'events test' } }))
          .status,
      ).toBe(200);
      expect(
        (
          await api(k, `/api/v1/nodes/${id}/uncordon`, {
            method: 'POST',
            body: { reason: 'events test done' },
          })
        ).status,
      ).toBe(200);

      const bin = await hostileBinary();
      const done = await createSession(k, {
        command: bin,
        args: ['exit', '0'],
        resources: { millicores: 200 },
      });
      expect(done.status, JSON.stringify(done.body)).toBe(201);
      await waitSession(k, done.body.id, (s) => s.status.state === 'completed', 60_000);
      const spin = await createSession(k, {
        command: bin,
        args: ['spin', '1'],
        resources: { millicores: 200 },
      });
      expect(spin.status, JSON.stringify(spin.body)).toBe(201);
      await waitSession(k, spin.body.id, (s) => s.status.state === 'running', 60_000);
      await until(() => seen.some((e) => e.topic === 'sessions.usage'), 30_000);
      const stop = await api(k, `/api/v1/sessions/${spin.body.id}/terminate`, {
        method: 'POST',
        body: { graceMs: 0, reason: 'events test' },
      });
      expect(stop.status).toBeLessThan(300);
      await waitSession(k, spin.body.id, (s) => s.status.state === 'cancelled', 60_000);

      const rule = await api<Doc>(k, '/api/v1/metrics/alerts/rules', {
        method: 'POST',
        body: { series: 'memory.total', comparator: '>', threshold: 0, severity: 'info' },
      });
      expect(rule.status, JSON.stringify(rule.body)).toBe(201);
      const firing = await until(async () => {
        const r = await api<Doc>(k, '/api/v1/metrics/alerts');
        return (r.body.items as Doc[] | undefined)?.find(
          (a) => a.rule === rule.body.id && a.state === 'firing',
        );
      }, 30_000);
      const ack = await api(k, `/api/v1/metrics/alerts/${encodeURIComponent(firing.id)}/ack`, {
        method: 'POST',
        body: { reason: 'events test' },
      });
      expect(ack.status).toBe(200);
      const silence = await api<Doc>(k, '/api/v1/metrics/alerts/silences', {
        method: 'POST',
        body: { rule: rule.body.id, reason: 'events test', for: '1h' },
      });
      expect(silence.status, JSON.stringify(silence.body)).toBe(201);
      expect(
        (await api(k, `/api/v1/metrics/alerts/silences/${silence.body.id}`, { method: 'DELETE' })).status,
      ).toBe(200);
      expect(
        (await api(k, `/api/v1/metrics/alerts/rules/${rule.body.id}`, { method: 'DELETE' })).status,
      ).toBe(204);

      expect(
        (
          await api(k, '/api/v1/events', {
            method: 'POST',
            body: { topic: 'ops.test.note', data: { hi: 1 } },
          })
        ).status,
      ).toBe(202);
      expect((await api(k, '/api/v1/nodes', { token: 'not-a-token' })).status).toBe(401);

      // Security: a user who may not publish tries to, makes and revokes an API token, then is disabled.
      const ann = await userWithRoles(k, 'ev-ann', ['viewer']);
      const denied = await k.api('/api/v1/events', {
        method: 'POST',
        body: JSON.stringify({ topic: 'ops.test.denied', data: {} }),
        headers: { 'content-type': 'application/json' },
        token: ann.accessToken,
      });
      expect(denied.status).toBe(403);
      const minted = await k.api('/api/v1/security/me/tokens', {
        method: 'POST',
        body: JSON.stringify({ name: 'ev', scopes: ['metrics:read'], expiresInDays: 1 }),
        headers: { 'content-type': 'application/json' },
        token: ann.accessToken,
      });
      const tokenBody = (await minted.json()) as Doc;
      expect(minted.status, JSON.stringify(tokenBody)).toBe(201);
      const revoked = await k.api(`/api/v1/security/me/tokens/${tokenBody.id}`, {
        method: 'DELETE',
        token: ann.accessToken,
      });
      expect(revoked.status).toBeLessThan(300);
      const disabled = await api(k, `/api/v1/security/users/${ann.id}`, {
        method: 'PATCH',
        body: { disabled: true },
      });
      expect(disabled.status, JSON.stringify(disabled.body)).toBe(200);
      // Plugin administration: a reload stops and starts the plugin again.
      expect((await api(k, '/api/v1/plugins/resources/reload', { method: 'POST' })).status).toBeLessThan(300);
      await until(() => k.kernel.plugins.info('resources').status === 'running', 60_000);

      const want = [
        'kernel.started',
        'plugins.plugin.running',
        'metrics.sample',
        'metrics.alert.firing',
        'metrics.alert.resolved',
        'metrics.alert.acknowledged',
        'metrics.silence.created',
        'metrics.silence.expired',
        'nodes.node.joined',
        'nodes.node.cordoned',
        'nodes.node.uncordoned',
        'nodes.load',
        'nodes.agent.report',
        'sessions.session.running',
        'sessions.session.completed',
        'sessions.session.cancelled',
        'sessions.usage',
        'security.audit.appended',
        'security.authn.failed',
        'ops.test.note',
        'security.authz.denied',
        'security.token.revoked',
        'security.user.changed',
        'plugins.admin.reload',
        'plugins.plugin.stopped',
      ];
      await until(() => want.every((t) => seen.some((e) => e.topic === t)), 30_000).catch(() => {
        throw new Error(
          `never published: ${want.filter((t) => !seen.some((e) => e.topic === t)).join(', ')}`,
        );
      });
      expect(seen.some((e) => e.topic.startsWith('audit.nodes.'))).toBe(true);
      expect(seen.some((e) => e.topic.startsWith('audit.metrics.'))).toBe(true);
      expect(seen.some((e) => e.topic.startsWith('audit.sessions.'))).toBe(true);

      const unknown = new Set<string>();
      const invalid: string[] = [];
      for (const e of seen) {
        const spec = findTopicSpec(ALL_TOPIC_SPECS, e.topic);
        if (!spec) {
          unknown.add(e.topic);
          continue;
        }
        const v = validatorOf(spec);
        if (!v(e.data)) invalid.push(`${e.topic} #${e.seq}: ${ajv.errorsText(v.errors)}`);
      }
      expect([...unknown], 'topics published that no catalogue declares').toEqual([]);
      expect(invalid.slice(0, 10), 'payloads that break their schema').toEqual([]);
      const topics = new Set(seen.map((e) => e.topic));
      console.log(
        `validated ${seen.length} events of ${topics.size} topics: ${[...topics].sort().join(' ')}`,
      );
    }, 240_000);

    it("serves every metrics.sample figure in GET /api/v1/metrics/prometheus under the sample's prom name, with its value", async () => {
      const latest = () => seen.filter((e) => e.topic === 'metrics.sample').at(-1) as Seen & { data: Doc };
      // The exposition shows the newest collection: compare with the event of a collection
      // that was still the newest after the exposition was read (one a second: a few tries).
      const { text, sample } = await until(async () => {
        const before = latest();
        const res = await k.api('/api/v1/metrics/prometheus');
        const body = await res.text();
        await new Promise((r) => setTimeout(r, 150));
        return latest().seq === before.seq && res.status === 200
          ? { text: body, sample: before.data }
          : undefined;
      }, 30_000);
      const exposed = new Map<string, string>();
      for (const f of parsePrometheusTextFormat(text))
        for (const m of f.metrics) {
          const labels = m.labels ?? {};
          if (labels.node !== sample.node) continue;
          const rest = Object.entries(labels)
            .filter(([n]) => n !== 'node')
            .sort(([a], [b]) => a.localeCompare(b));
          exposed.set(`${f.name}${JSON.stringify(rest)}`, m.value ?? '');
        }
      // Each value once, by series id: no typed samples[] list beside it.
      expect(sample.samples).toBeUndefined();
      const values = Object.entries(sample.values as Record<string, number>);
      expect(values.length).toBeGreaterThan(20);
      expect(values.some(([id]) => parseSeriesId(id)?.name === 'cpu.busy')).toBe(true);
      // The exposition names come whole with the first sample, then only for series that
      // joined (none per sample): merged up to this sample; GET /series lists the same per series.
      const seq = latest().seq;
      type Prom = { name: string; labels?: Record<string, string> };
      const tables = seen
        .filter((e) => e.topic === 'metrics.sample' && e.seq <= seq)
        .map((e) => e.data as Doc)
        .filter((d) => d.node === sample.node && d.prom !== undefined)
        .map((d) => d.prom as Record<string, Prom>);
      expect(tables.length, 'metrics.sample events that carried the prom table').toBeGreaterThan(0);
      const table: Record<string, Prom> = Object.assign({}, ...tables);
      const listed = (await (
        await k.api(`/api/v1/metrics/series?node=${encodeURIComponent(sample.node)}&limit=5000`)
      ).json()) as { items: Array<{ id: string; prom?: unknown }> };
      const missing: string[] = [];
      for (const [id, value] of values) {
        const p = table[id];
        if (!p) {
          missing.push(`${id} has no prom name`);
          continue;
        }
        expect(listed.items.find((i) => i.id === id)?.prom, id).toEqual(p);
        const own = Object.fromEntries(
          Object.entries(parseSeriesId(id)?.labels ?? {}).filter(([n]) => n !== 'node'),
        ) as Record<string, string>;
        const rest = Object.entries(p.labels ?? own).sort(([a], [b]) => a.localeCompare(b));
        const key = `${p.name}${JSON.stringify(rest)}`;
        const v = exposed.get(key);
        if (v === undefined) missing.push(`${id} → ${key}`);
        else expect(Number(v), key).toBe(value);
      }
      expect(missing).toEqual([]);
    }, 60_000);

    it('sends frames that fit the envelope schemas over the real WebSocket (hello, then replayed events)', async () => {
      const url = `${k.url.replace(/^http/, 'ws')}/api/v1/events?topics=**&since=0`;
      const c = connect(url, { protocols: ['omega.v1'], headers: { authorization: `Bearer ${k.token}` } });
      await c.opened;
      const frames = await c.waitFrames(20);
      c.ws.close();
      await c.closed;
      expect(frames[0]?.type).toBe('hello');
      expect(frames.slice(1).every((f) => f.type === 'event')).toBe(true);
      const invalid: string[] = [];
      for (const f of frames) {
        const spec = EVENT_FRAME_SCHEMAS[f.type as keyof typeof EVENT_FRAME_SCHEMAS];
        if (!spec) {
          invalid.push(`unknown frame type ${f.type}`);
          continue;
        }
        const v = ajv.compile(payloadJsonSchema(spec.schema));
        if (!v(f)) invalid.push(`${f.type}: ${ajv.errorsText(v.errors)}`);
      }
      expect(invalid).toEqual([]);
      // The frame schemas are strict: an extra field is a change of the envelope, not of a payload.
      const eventV = ajv.compile(payloadJsonSchema(EVENT_FRAME_SCHEMAS.event.schema));
      expect(eventV({ ...frames[1], extra: 1 })).toBe(false);
    }, 60_000);
  },
);
