import { httpError, invalid, type PluginRequest, type PluginResponse } from '@omega/sdk';
import type { QuotaLimits, QuotaView } from '../contract.js';
import { effectiveLimits, useOf } from '../quota/check-quota.js';
import type { SessionsRuntime } from '../runtime.js';
import { parseSize } from '../spec/parse-size.js';
import { actorOf, can, PERMISSIONS } from './access.js';
import { bodyObject, ok } from './http.js';

const NAME = /^[A-Za-z0-9][A-Za-z0-9._@-]{0,127}$/;

function target(req: PluginRequest): { scope: QuotaView['scope']; name: string } {
  const { scope, name } = req.params;
  if (scope !== 'user' && scope !== 'role')
    throw invalid([{ field: 'scope', message: 'must be user or role' }]);
  if (!name || !NAME.test(name))
    throw invalid([{ field: 'name', message: 'must be a user id or role name' }]);
  return { scope, name };
}

function parseLimits(v: unknown): QuotaLimits {
  if (v === null || typeof v !== 'object' || Array.isArray(v))
    throw invalid([{ field: 'limits', message: 'must be an object {cores, memory, gpus, sessions}' }]);
  const o = v as Record<string, unknown>;
  const errors: Array<{ field: string; message: string }> = [];
  const out: QuotaLimits = {};
  for (const k of Object.keys(o))
    if (!['cores', 'memory', 'gpus', 'sessions'].includes(k))
      errors.push({
        field: `limits.${k.slice(0, 32)}`,
        message: 'is not a quota field (cores, memory, gpus, sessions)',
      });
  if (o.cores !== undefined) {
    if (typeof o.cores !== 'number' || !(o.cores >= 0) || o.cores > 1e7)
      errors.push({ field: 'limits.cores', message: 'must be a number of cores ≥ 0' });
    else out.cores = Math.round(o.cores * 1000) / 1000;
  }
  if (o.memory !== undefined) {
    const m = parseSize(o.memory);
    if (m === undefined)
      errors.push({ field: 'limits.memory', message: 'must be bytes or a size such as 64G' });
    else out.memoryBytes = m;
  }
  for (const f of ['gpus', 'sessions'] as const) {
    const x = o[f];
    if (x === undefined) continue;
    if (!Number.isInteger(x) || (x as number) < 0 || (x as number) > 1e7)
      errors.push({ field: `limits.${f}`, message: 'must be an integer ≥ 0' });
    else out[f] = x as number;
  }
  if (errors.length > 0) throw invalid(errors);
  return out;
}

/** Quotas: read (own, or all with sessions-all:read), set and delete (sessions:admin). */
export function quotaRoutes(rt: () => SessionsRuntime) {
  /** The roles of the caller (none for the admin token), for which quotas apply to them. */
  const rolesOf = async (s: SessionsRuntime, req: PluginRequest): Promise<string[]> =>
    req.caller.kind === 'admin-token' || !s.quotas.hasRoleQuotas ? [] : s.roles.rolesOf(req.caller.id);
  const applies = (q: QuotaView, req: PluginRequest, roles: string[]) =>
    (q.scope === 'user' && q.name === req.caller.id) || (q.scope === 'role' && roles.includes(q.name));

  return {
    /** GET /api/v1/sessions/quotas — every quota (sessions-all:read), or those that apply to the caller. */
    async listQuotas(req: PluginRequest): Promise<PluginResponse> {
      const s = rt();
      if (can(req, PERMISSIONS.readAll)) return ok({ items: s.quotas.list() });
      const roles = await rolesOf(s, req);
      return ok({ items: s.quotas.list().filter((q) => applies(q, req, roles)) });
    },

    /** GET /api/v1/sessions/quotas/me — the limits in force for the caller, which quota sets each, and the current use. */
    async myQuota(req: PluginRequest): Promise<PluginResponse> {
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
    async getQuota(req: PluginRequest): Promise<PluginResponse> {
      const s = rt();
      const t = target(req);
      const q = s.quotas.get(t.scope, t.name);
      if (!q || !(can(req, PERMISSIONS.readAll) || applies(q, req, await rolesOf(s, req))))
        throw httpError(404, 'OMEGA_ERR_NOT_FOUND', `No ${t.scope} quota "${t.name}".`);
      return ok(q);
    },

    /** PUT /api/v1/sessions/quotas/:scope/:name {limits: {cores, memory, gpus, sessions}, version?} — set a quota (admins). */
    async putQuota(req: PluginRequest): Promise<PluginResponse> {
      const s = rt();
      const t = target(req);
      const body = bodyObject(req);
      const limits = parseLimits(body.limits);
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
    async deleteQuota(req: PluginRequest): Promise<PluginResponse> {
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
