import { errorCode, json, type PluginResponse, problem, type SchemaRequest } from '@omega/sdk';
import { type AlertRuleSpec, parseRuleSpec } from '../alerts/alert-rule.js';
import type { RuleRecord } from '../alerts/rule-store.js';
import type { MetricsService } from '../metrics-service.js';
import { badParam } from './metrics-routes.js';
import type { routeSchemas } from './route-schemas.js';

type RouteSchemas = typeof routeSchemas;

/** A rule as the API shows it: id, version, spec, status (its pending/firing alerts), timestamps. */
export function ruleView(s: MetricsService, r: RuleRecord) {
  const alerts = s.engine.activeAlerts(r.id);
  const state = alerts.some((a) => a.state === 'firing')
    ? 'firing'
    : alerts.length > 0
      ? 'pending'
      : 'inactive';
  return {
    id: r.id,
    version: r.version,
    spec: r.value,
    status: { state, alerts },
    createdAt: r.createdAt,
    updatedAt: r.updatedAt,
  };
}

const notFound = (id: string) => problem(404, 'OMEGA_ERR_NOT_FOUND', `No alert rule "${id}".`, { rule: id });

/** A `version` the kernel checked against the schema (a non-negative integer, or its digits). */
const versionOf = (v: number | string | undefined): number | undefined =>
  v === undefined ? undefined : Number(v);

async function save(
  s: MetricsService,
  id: string,
  spec: AlertRuleSpec,
  expected: number | undefined,
): Promise<RuleRecord | PluginResponse> {
  const before = s.rules.get(id)?.value.webhook;
  try {
    const rec = await s.rules.put(id, spec, expected);
    for (const ev of s.engine.setRule({ id, spec }, s.now())) s.alert(ev, before);
    return rec;
  } catch (err) {
    if (errorCode(err) === 'OMEGA_ERR_CONFLICT')
      return problem(
        409,
        'OMEGA_ERR_CONFLICT',
        `Alert rule "${id}" changed (or exists) since version ${expected}; read it again.`,
        {
          rule: id,
        },
      );
    throw err;
  }
}

const isResponse = (x: RuleRecord | PluginResponse): x is PluginResponse => 'status' in x;

/** Alert routes: active alerts, history, and rule CRUD. */
export function alertRoutes(service: () => MetricsService) {
  return {
    /** GET /alerts — alerts pending or firing now, with their acknowledgement and silences. */
    async activeAlerts(): Promise<PluginResponse> {
      const s = service();
      return json(200, { items: s.engine.activeAlerts().map((a) => s.silencing.view(a)) });
    },

    /** GET /alerts/history[?limit=&cursor=] — firing/resolved transitions, newest first. */
    async alertHistory(req: SchemaRequest<RouteSchemas['alertHistory']>): Promise<PluginResponse> {
      const limit = req.query.limit === undefined ? 100 : Number(req.query.limit);
      return json(200, service().history.page(limit, req.query.cursor));
    },

    /** GET /alerts/rules */
    async listRules(): Promise<PluginResponse> {
      const s = service();
      return json(200, { items: s.rules.list().map((r) => ruleView(s, r)) });
    },

    /** GET /alerts/rules/:id */
    async getRule(req: SchemaRequest<RouteSchemas['getRule']>): Promise<PluginResponse> {
      const s = service();
      const id = req.params.id;
      const r = s.rules.get(id);
      return r ? json(200, ruleView(s, r)) : notFound(id);
    },

    /** POST /alerts/rules — body: the spec, optionally with an `id`; 409 when the id is taken. */
    async createRule(req: SchemaRequest<RouteSchemas['createRule']>): Promise<PluginResponse> {
      const s = service();
      const body = req.body;
      // The kernel checked the id's form; parseRuleSpec normalises the spec (and checks the selector).
      const id = body.id ?? s.rules.newId(s.now());
      const parsed = parseRuleSpec(body);
      if ('field' in parsed) return badParam(parsed);
      const out = await save(s, id, parsed.spec, 0);
      return isResponse(out)
        ? out
        : json(201, ruleView(s, out), { location: `/api/v1/metrics/alerts/rules/${id}` });
    },

    /** PUT /alerts/rules/:id — body: the spec, optionally with the `version` it replaces (409 if stale). */
    async updateRule(req: SchemaRequest<RouteSchemas['updateRule']>): Promise<PluginResponse> {
      const s = service();
      const id = req.params.id;
      const body = req.body;
      const expected = versionOf(body.version);
      const parsed = parseRuleSpec(body);
      if ('field' in parsed) return badParam(parsed);
      const existed = s.rules.get(id) !== undefined;
      const out = await save(s, id, parsed.spec, expected);
      return isResponse(out) ? out : json(existed ? 200 : 201, ruleView(s, out));
    },

    /** DELETE /alerts/rules/:id[?version=] — its firing alerts resolve. */
    async deleteRule(req: SchemaRequest<RouteSchemas['deleteRule']>): Promise<PluginResponse> {
      const s = service();
      const id = req.params.id;
      const expected = versionOf(req.query.version);
      const old = s.rules.get(id);
      if (!old) return notFound(id);
      try {
        await s.rules.delete(id, expected);
      } catch (err) {
        if (errorCode(err) === 'OMEGA_ERR_CONFLICT')
          return problem(409, 'OMEGA_ERR_CONFLICT', `Alert rule "${id}" changed since version ${expected}.`, {
            rule: id,
          });
        throw err;
      }
      for (const ev of s.engine.removeRule(id, s.now())) s.alert(ev, old.value.webhook);
      return { status: 204 };
    },
  };
}
