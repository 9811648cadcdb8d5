import { actorOf, httpError, invalid, type PluginResponse, type SchemaRequest } from '@omega/sdk';
import type { QuotaLimits, QuotaView } from '../contract.js';
import { effectiveLimits, useOf } from '../quota/check-quota.js';
import type { SessionsRuntime } from '../runtime.js';
import { parseSize } from '../spec/parse-size.js';
import { can, PERMISSIONS, type WithCaller } from './access.js';
import { ok } from './http.js';
import type { routeSchemas } from './route-schemas.js';

type RouteSchemas = typeof routeSchemas;

/** The quota a request names (the kernel checked scope and name against the route's schema). */
const target = (req: { params: { scope: string; name: string } }) => ({
  scope: req.params.scope as QuotaView['scope'],
  name: req.params.name,
});

/** The limits of a PUT as stored: cores to a thousandth, memory in bytes (the kernel checked each field). */
function limitsOf(v: SchemaRequest<RouteSchemas['putQuota']>['body']['limits']): QuotaLimits {
  const out: QuotaLimits = {};
  if (v.cores !== undefined) out.cores = Math.round(v.cores * 1000) / 1000;
  if (v.memory !== undefined) {
    const m = parseSize(v.memory);
    if (m === undefined)
      throw invalid([{ field: 'limits.memory', message: 'must be bytes or a size such as 64G' }]);
    out.memoryBytes = m;
  }
  if (v.gpus !== undefined) out.gpus = v.gpus;
  if (v.sessions !== undefined) out.sessions = v.sessions;
  return out;
}

/** Quotas: read (own, or all with sessions-all:read), set and delete (sessions:admin). */
export function quotaRoutes(rt: () => SessionsRuntime) {
  /** The roles of the caller (none for the admin token), for which quotas apply to them. */
  const rolesOf = async (s: SessionsRuntime, req: WithCaller): Promise<string[]> =>
    req.caller.kind === 'admin-token' || !s.quotas.hasRoleQuotas ? [] : s.roles.rolesOf(req.caller.id);
  const applies = (q: QuotaView, req: WithCaller, roles: string[]) =>
    (q.scope === 'user' && q.name === req.caller.id) || (q.scope === 'role' && roles.includes(q.name));

  return {
    /** GET /api/v1/sessions/quotas — every quota (sessions-all:read), or those that apply to the caller. */
    async listQuotas(req: SchemaRequest<RouteSchemas['listQuotas']>): Promise<PluginResponse> {
      const s = rt();
      if (can(req, PERMISSIONS.readAll)) return ok({ items: s.quotas.list() });
      const roles = await rolesOf(s, req);
      return ok({ items: s.quotas.list().filter((q) => applies(q, req, roles)) });
    },

    /** GET /api/v1/sessions/quotas/me — the limits in force for the caller, which quota sets each, and the current use. */
    async myQuota(req: SchemaRequest<RouteSchemas['myQuota']>): Promise<PluginResponse> {
      const s = rt();
      const roles = await rolesOf(s, req);
      return ok({
        user: req.caller.id,
        roles,
        limits: effectiveLimits(s.quotas, req.caller.id, roles),
        used: useOf(s.store.all(), req.caller.id),
      });
    },

    /** GET /api/v1/sessions/quotas/:scope/:name — one quota. */
    async getQuota(req: SchemaRequest<RouteSchemas['getQuota']>): Promise<PluginResponse> {
      const s = rt();
      const t = target(req);
      const q = s.quotas.get(t.scope, t.name);
      if (!q || !(can(req, PERMISSIONS.readAll) || applies(q, req, await rolesOf(s, req))))
        throw httpError(404, 'OMEGA_ERR_NOT_FOUND', `No ${t.scope} quota "${t.name}".`);
      return ok(q);
    },

    /** PUT /api/v1/sessions/quotas/:scope/:name {limits: {cores, memory, gpus, sessions}, version?} — set a quota (admins). */
    async putQuota(req: SchemaRequest<RouteSchemas['putQuota']>): Promise<PluginResponse> {
      const s = rt();
      const t = target(req);
      const body = req.body;
      const limits = limitsOf(body.limits);
      const prev = s.quotas.get(t.scope, t.name);
      if (body.version !== undefined && body.version !== (prev?.version ?? 0))
        throw httpError(
          409,
          'OMEGA_ERR_CONFLICT',
          `The quota is at version ${prev?.version ?? 0}, not ${String(body.version)}: read it again.`,
          {
            version: prev?.version ?? 0,
          },
        );
      const a = actorOf(req);
      const q = await s.quotas.set(t.scope, t.name, limits, a.id);
      s.events.audit({
        actor: a.id,
        action: 'quota-set',
        outcome: 'success',
        target: `${t.scope}:${t.name}`,
        ...(a.source ? { source: a.source } : {}),
        details: { limits },
      });
      return ok(q, prev ? 200 : 201);
    },

    /** DELETE /api/v1/sessions/quotas/:scope/:name — remove a quota (admins). */
    async deleteQuota(req: SchemaRequest<RouteSchemas['deleteQuota']>): Promise<PluginResponse> {
      const s = rt();
      const t = target(req);
      if (!(await s.quotas.delete(t.scope, t.name)))
        throw httpError(404, 'OMEGA_ERR_NOT_FOUND', `No ${t.scope} quota "${t.name}".`);
      const a = actorOf(req);
      s.events.audit({
        actor: a.id,
        action: 'quota-delete',
        outcome: 'success',
        target: `${t.scope}:${t.name}`,
        ...(a.source ? { source: a.source } : {}),
      });
      return { status: 204 };
    },
  };
}
