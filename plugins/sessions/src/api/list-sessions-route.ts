import { invalid, type PluginRequest, type PluginResponse } from '@omega/sdk';
import { SESSION_STATES, type SessionState } from '../contract.js';
import type { SessionsRuntime } from '../runtime.js';
import type { SessionRecord } from '../store/session-record.js';
import { can, PERMISSIONS } from './access.js';
import { intParam, ok, sessionOf } from './http.js';
import { sessionView } from './session-view.js';

const STATES = new Set<string>(SESSION_STATES);
/** Cursor: the last item's creation time (base 36 ms) and id; sessions list newest first. */
const CURSOR = /^([0-9a-z]{1,12})\.(s-[A-Za-z0-9_-]{1,40})$/;

const key = (r: SessionRecord): [number, string] => [Date.parse(r.createdAt), r.id];
/** True when `a` lists before `b` (newer first, then by id, descending). */
const before = (a: [number, string], b: [number, string]): boolean =>
  a[0] > b[0] || (a[0] === b[0] && a[1] > b[1]);

function filters(req: PluginRequest) {
  const q = req.query;
  const errors: Array<{ field: string; message: string }> = [];
  let states: Set<SessionState> | undefined;
  if (q.state) {
    const list = q.state.split(',').map((s) => s.trim());
    const bad = list.find((s) => !STATES.has(s));
    if (bad !== undefined)
      errors.push({
        field: 'state',
        message: `"${bad.slice(0, 32)}" is not a state (${SESSION_STATES.join(', ')})`,
      });
    else states = new Set(list as SessionState[]);
  }
  let gpu: ((r: SessionRecord) => boolean) | undefined;
  if (q.gpu !== undefined && q.gpu !== '') {
    const g = q.gpu.toLowerCase();
    if (g === 'true') gpu = (r) => r.spec.resources.gpus > 0;
    else if (g === 'false') gpu = (r) => r.spec.resources.gpus === 0;
    else if (/^\d{1,3}$/.test(g)) gpu = (r) => r.status.placement?.gpus.includes(Number(g)) ?? false;
    else if (g.length <= 64) gpu = (r) => (r.spec.resources.gpuModel ?? '').toLowerCase().includes(g);
    else errors.push({ field: 'gpu', message: 'must be true, false, a GPU index or a model' });
  }
  let after: [number, string] | undefined;
  if (q.cursor !== undefined) {
    const m = CURSOR.exec(q.cursor);
    if (!m) errors.push({ field: 'cursor', message: 'is not one this list returned' });
    else after = [Number.parseInt(m[1]!, 36), m[2]!];
  }
  if (errors.length > 0) throw invalid(errors);
  return { states, gpu, after, owner: q.owner, node: q.node };
}

/** The list and one-session routes. */
export function listRoutes(rt: () => SessionsRuntime) {
  return {
    /**
     * GET /api/v1/sessions?state=&owner=&node=&gpu=&limit=&cursor= — newest first; callers
     * without `sessions-all:read` see their own sessions only.
     */
    async listSessions(req: PluginRequest): Promise<PluginResponse> {
      const s = rt();
      const f = filters(req);
      const limit = intParam(req, 'limit', 100, 1, 500);
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
        items: page.map((r) => sessionView(s, r)),
        ...(matches.length > limit && last
          ? { nextCursor: `${Date.parse(last.createdAt).toString(36)}.${last.id}` }
          : {}),
      });
    },

    /** GET /api/v1/sessions/:id — one session: spec, status with reason, placement, usage, history. */
    async getSession(req: PluginRequest): Promise<PluginResponse> {
      const s = rt();
      return ok(sessionView(s, sessionOf(s, req)));
    },
  };
}
