import { actorOf, httpError, isoTime, type PluginResponse, type SchemaRequest } from '@omega/sdk';
import { checkQuota, effectiveLimits, specUse, useOf } from '../quota/check-quota.js';
import type { SessionsRuntime } from '../runtime.js';
import { parseSessionSpec } from '../spec/parse-session-spec.js';
import type { SessionRecord } from '../store/session-record.js';
import type { WithCaller } from './access.js';
import { ok } from './http.js';
import type { routeSchemas } from './route-schemas.js';
import { sessionView } from './session-view.js';

/** Callers that may own sessions (an agent's key may not start work). */
const OWNER_KINDS = new Set(['user', 'api-token', 'admin-token']);

/** The roles whose quotas apply to a caller (the admin token has none). */
async function rolesFor(rt: SessionsRuntime, req: WithCaller): Promise<string[]> {
  if (req.caller.kind === 'admin-token' || !rt.quotas.hasRoleQuotas) return [];
  return rt.roles.rolesOf(req.caller.id);
}

/**
 * POST /api/v1/sessions: the kernel checked each field against the spec's schema; parseSessionSpec
 * checks what a schema cannot say and applies the defaults (400 naming each bad field); checks the owner's
 * quotas (403 naming the quota and the current use), records the session `pending` and runs a
 * scheduling pass at once, so the answer (201) already says where it starts or why it waits.
 */
export async function createSession(
  rt: SessionsRuntime,
  req: SchemaRequest<typeof routeSchemas.createSession>,
): Promise<PluginResponse> {
  const actor = actorOf(req);
  if (!OWNER_KINDS.has(req.caller.kind) || !req.caller.id)
    throw httpError(
      403,
      'OMEGA_ERR_FORBIDDEN',
      `A ${req.caller.kind} caller cannot own sessions; sign in as a user.`,
    );
  const spec = parseSessionSpec(req.body, { placement: rt.settings.placement });
  const ask = specUse(spec);
  const limits = effectiveLimits(rt.quotas, actor.id, await rolesFor(rt, req));
  const id = `s-${(await rt.ctx.crypto.random(9)).replace(/^[-_]/, 'x')}`;
  const now = isoTime(Date.now());
  const r: SessionRecord = {
    id,
    version: 1,
    owner: { id: actor.id, name: actor.name },
    spec,
    status: { state: 'pending', reason: 'waiting for placement', since: now, attempts: 0 },
    history: [{ state: 'pending', reason: 'waiting for placement', at: now }],
    createdAt: now,
    updatedAt: now,
    counters: { pause: 0, resume: 0, terminate: 0 },
  };
  await rt.locks.run(`quota:${actor.id}`, async () => {
    try {
      checkQuota(limits, useOf(rt.store.all(), actor.id), ask);
    } catch (err) {
      rt.events.audit({
        actor: actor.id,
        action: 'create',
        outcome: 'denied',
        target: spec.name,
        ...(actor.source ? { source: actor.source } : {}),
        details: { code: 'SESSIONS_ERR_QUOTA' },
      });
      throw err;
    }
    await rt.store.save(r);
  });
  rt.events.transition(r);
  rt.events.audit({
    actor: actor.id,
    action: 'create',
    outcome: 'success',
    target: id,
    ...(actor.source ? { source: actor.source } : {}),
    details: { name: spec.name, target: spec.target.kind, resources: spec.resources },
  });
  await rt.scheduler.pass();
  await rt.store.written(id);
  return ok(sessionView(rt, rt.store.get(id) ?? r, req), 201);
}
