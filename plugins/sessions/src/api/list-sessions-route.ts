import type { PluginResponse, SchemaRequest } from '@omega/sdk';
import type { SessionState } from '../contract.js';
import type { SessionsRuntime } from '../runtime.js';
import type { SessionRecord } from '../store/session-record.js';
import { can, PERMISSIONS } from './access.js';
import { intQuery, ok, sessionOf } from './http.js';
import type { routeSchemas } from './route-schemas.js';
import { sessionView } from './session-view.js';

type RouteSchemas = typeof routeSchemas;

/** Cursor: the last item's creation time (base 36 ms) and id; sessions list newest first. */
const CURSOR = /^([0-9a-z]{1,12})\.(s-[A-Za-z0-9_-]{1,40})$/;

const key = (r: SessionRecord): [number, string] => [Date.parse(r.createdAt), r.id];
/** True when `a` lists before `b` (newer first, then by id, descending). */
const before = (a: [number, string], b: [number, string]): boolean =>
  a[0] > b[0] || (a[0] === b[0] && a[1] > b[1]);

/** The list's filters; the kernel checked each parameter against the route's schema. */
function filters(req: SchemaRequest<RouteSchemas['listSessions']>) {
  const q = req.query;
  const states = q.state ? new Set(q.state.split(',').map((s) => s.trim() as SessionState)) : undefined;
  let gpu: ((r: SessionRecord) => boolean) | undefined;
  if (q.gpu !== undefined && q.gpu !== '') {
    const g = q.gpu.toLowerCase();
    if (g === 'true') gpu = (r) => r.spec.resources.gpus > 0;
    else if (g === 'false') gpu = (r) => r.spec.resources.gpus === 0;
    else if (/^\d{1,3}$/.test(g)) gpu = (r) => r.status.placement?.gpus.includes(Number(g)) ?? false;
    else gpu = (r) => (r.spec.resources.gpuModel ?? '').toLowerCase().includes(g);
  }
  const m = q.cursor === undefined ? null : CURSOR.exec(q.cursor);
  const after: [number, string] | undefined = m ? [Number.parseInt(m[1]!, 36), m[2]!] : undefined;
  return { states, gpu, after, owner: q.owner, node: q.node };
}

/** The list and one-session routes. */
export function listRoutes(rt: () => SessionsRuntime) {
  return {
    /**
     * GET /api/v1/sessions?state=&owner=&node=&gpu=&limit=&cursor= — newest first; callers
     * without `sessions-all:read` see their own sessions only.
     */
    async listSessions(req: SchemaRequest<RouteSchemas['listSessions']>): Promise<PluginResponse> {
      const s = rt();
      const f = filters(req);
      const limit = intQuery(req.query.limit, 100);
      const owner = can(req, PERMISSIONS.readAll) ? f.owner : req.caller.id;
      const matches = [...s.store.all()].filter(
        (r) =>
          (owner === undefined || r.owner.id === owner) &&
          (!f.states || f.states.has(r.status.state)) &&
          (f.node === undefined ||
            r.status.placement?.node === f.node ||
            r.status.placement?.nodeName === f.node) &&
          (!f.gpu || f.gpu(r)) &&
          (!f.after || before(f.after, key(r))),
      );
      matches.sort((a, b) => (before(key(a), key(b)) ? -1 : 1));
      const page = matches.slice(0, limit);
      const last = page[page.length - 1];
      return ok({
        items: page.map((r) => sessionView(s, r, req)),
        ...(matches.length > limit && last
          ? { nextCursor: `${Date.parse(last.createdAt).toString(36)}.${last.id}` }
          : {}),
      });
    },

    /** GET /api/v1/sessions/:id — one session: spec, status with reason, placement, usage, history. */
    async getSession(req: SchemaRequest<RouteSchemas['getSession']>): Promise<PluginResponse> {
      const s = rt();
      return ok(sessionView(s, sessionOf(s, req), req));
    },
  };
}
