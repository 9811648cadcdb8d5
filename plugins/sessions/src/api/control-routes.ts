import { actorOf, httpError, type PluginResponse, type SchemaRequest } from '@omega/sdk';
import { sessionError } from '../errors/session-errors.js';
import {
  type OpOutcome,
  requestPause,
  requestResume,
  requestTerminate,
  sendOp,
} from '../lifecycle/session-ops.js';
import type { SessionsRuntime } from '../runtime.js';
import type { SessionRecord } from '../store/session-record.js';
import { canControl, type WithCaller } from './access.js';
import { ok, sessionOf } from './http.js';
import type { routeSchemas } from './route-schemas.js';
import { sessionView } from './session-view.js';

/** How long a route waits for the node's answer before it answers 202 (the operation goes on). */
const ANSWER_WITHIN_MS = 10_000;

type RouteSchemas = typeof routeSchemas;

function controlled(
  rt: SessionsRuntime,
  req: WithCaller & { params: { id?: string } },
  action: string,
): SessionRecord {
  const r = sessionOf(rt, req);
  if (!canControl(req, r)) {
    const a = actorOf(req);
    rt.events.audit({
      actor: a.id,
      action,
      outcome: 'denied',
      target: r.id,
      ...(a.source ? { source: a.source } : {}),
    });
    throw httpError(
      403,
      'OMEGA_ERR_FORBIDDEN',
      `You may see session ${r.id} but not ${action} it (needs sessions-all:write).`,
    );
  }
  return r;
}

/** Waits for the operation's outcome up to {@link ANSWER_WITHIN_MS}: 200 when the node confirmed, 202 while it goes on. */
async function answer(
  rt: SessionsRuntime,
  r: SessionRecord,
  pending: Promise<OpOutcome> | undefined,
  viewer: WithCaller,
): Promise<PluginResponse> {
  let out: OpOutcome | undefined;
  if (pending) {
    let timer: number | undefined;
    const late = new Promise<undefined>((resolve) => {
      rt.ctx.timers
        .after(ANSWER_WITHIN_MS, () => resolve(undefined))
        .then((id) => {
          timer = id;
        })
        .catch(() => resolve(undefined));
    });
    out = await Promise.race([pending, late]);
    if (timer !== undefined) void rt.ctx.timers.cancel(timer).catch(() => false);
  }
  if (out?.kind === 'refused')
    throw sessionError(
      'SESSIONS_ERR_NODE_REFUSED',
      `${r.status.placement?.nodeName ?? 'The node'} refused: ${out.message}`,
      {
        nodeCode: out.code,
      },
    );
  const view = sessionView(rt, rt.store.get(r.id) ?? r, viewer);
  return ok(view, out === undefined && pending ? 202 : out?.kind === 'accepted' ? 202 : 200);
}

/** Pause, resume and terminate. */
export function controlRoutes(rt: () => SessionsRuntime) {
  return {
    /** POST /api/v1/sessions/:id/pause — SIGTSTP, then freeze (cgroup freezer; SIGSTOP only where no cgroup is writable). */
    async pauseSession(req: SchemaRequest<RouteSchemas['pauseSession']>): Promise<PluginResponse> {
      const s = rt();
      const r = controlled(s, req, 'pause');
      await s.locks.run(r.id, () => requestPause(s, r, actorOf(req).id));
      return answer(s, r, sendOp(s, r), req);
    },

    /** POST /api/v1/sessions/:id/resume — thaw, then SIGCONT. */
    async resumeSession(req: SchemaRequest<RouteSchemas['resumeSession']>): Promise<PluginResponse> {
      const s = rt();
      const r = controlled(s, req, 'resume');
      await s.locks.run(r.id, () => requestResume(s, r, actorOf(req).id));
      return answer(s, r, sendOp(s, r), req);
    },

    /**
     * POST /api/v1/sessions/:id/terminate {reason?, graceMs?} — cancel: a session not on a node
     * ends at once; one on a node gets SIGTERM, the grace, then its whole tree killed. The kernel
     * checked the (optional) body against its schema.
     */
    async terminateSession(req: SchemaRequest<RouteSchemas['terminateSession']>): Promise<PluginResponse> {
      const s = rt();
      const r = controlled(s, req, 'terminate');
      const reason = req.body?.reason;
      const graceMs = req.body?.graceMs;
      const send = await s.locks.run(r.id, () => requestTerminate(s, r, actorOf(req).id, reason, graceMs));
      await s.store.written(r.id);
      return answer(s, r, send ? sendOp(s, r) : undefined, req);
    },
  };
}
