import {
  httpError,
  invalid,
  type PluginResponse,
  parseSelector,
  type SchemaRequest,
  unsatisfiable,
} from '@omega/sdk';
import { NODE_STATES } from '../contract.js';
import { nodeHttpError } from '../errors/node-errors.js';
import type { NodeEntry } from '../registry/node-record.js';
import { SPECS_STORE } from '../registry/node-registry.js';
import type { NodesRuntime } from '../runtime.js';
import { type NodeFilter, passes } from '../services/registry-service.js';
import { ok } from './http.js';
import { after, decodeCursor, encodeCursor } from './list-cursor.js';
import { nodeView } from './node-view.js';
import type { routeSchemas } from './route-schemas.js';

type RouteSchemas = typeof routeSchemas;

/** States a list can filter on: the node states, plus the operator's holds. */
export const LIST_STATES = [...NODE_STATES, 'schedulable', 'cordoned', 'draining'] as const;
const DEFAULT_LIMIT = 100;

/** The node named by the path (`:id`: its id or unique name), or a 404. */
export function nodeOf(rt: NodesRuntime, req: { params: { id?: string } }): NodeEntry {
  const ref = req.params.id ?? '';
  const e = rt.findNode(ref);
  if (!e)
    throw httpError(404, 'OMEGA_ERR_NOT_FOUND', `No node ${JSON.stringify(ref.slice(0, 80))}.`, {
      node: ref.slice(0, 80),
    });
  return e;
}

/**
 * The node named by the path for a write (labels, cordon, drain, uncordon, remove): a 404, or
 * a 409 NODES_ERR_SLURM_MANAGED for a Slurm node (Slurm manages it; Omega only mirrors it).
 */
export function ownNodeOf(rt: NodesRuntime, req: { params: { id?: string } }): NodeEntry {
  const e = nodeOf(rt, req);
  if (e.record.managedBy === 'slurm')
    throw nodeHttpError(
      'NODES_ERR_SLURM_MANAGED',
      `Node ${e.record.name} is managed by Slurm (reported by submit node ${e.record.slurm?.submitNode}); change it with Slurm, e.g. scontrol update nodename=${e.record.slurm?.name} state=drain reason=...`,
      { node: e.record.id, managedBy: 'slurm' },
    );
  return e;
}

/** The list's filters: `state` was checked by the kernel (one of LIST_STATES), the selector is checked here (its grammar, and that some node could match it). */
function filterOf(q: { state?: string; selector?: string }): NodeFilter {
  const f: NodeFilter = {};
  if (q.state !== undefined) f.state = q.state;
  if (q.selector !== undefined) {
    const p = parseSelector(q.selector);
    if ('error' in p) throw invalid([{ field: 'selector', message: p.error }]);
    const never = unsatisfiable(p.terms);
    if (never !== undefined) throw invalid([{ field: 'selector', message: never }]);
    f.selector = p.terms;
  }
  return f;
}

function searchable(e: NodeEntry, q: string): boolean {
  const r = e.record;
  if (r.name.toLowerCase().includes(q) || r.id.includes(q)) return true;
  if (e.live.remote?.toLowerCase().includes(q)) return true;
  for (const [k, v] of Object.entries(r.labels))
    if (k.toLowerCase().includes(q) || v.toLowerCase().includes(q)) return true;
  return r.reason.toLowerCase().includes(q);
}

/** The read routes: the list (filters, search, cursor paging) and one node in detail. */
export function nodeReadRoutes(rt: () => NodesRuntime) {
  return {
    /** GET / ?state=&selector=&q=&limit=&cursor= */
    async listNodes(req: SchemaRequest<RouteSchemas['listNodes']>): Promise<PluginResponse> {
      const s = rt();
      const q = req.query;
      const f = filterOf(q);
      // The kernel checked q (≤ 256), limit (1–1000) and the cursor's length against the schema.
      const text = q.q?.trim().toLowerCase();
      const limit = q.limit === undefined ? DEFAULT_LIMIT : Number(q.limit);
      const key = q.cursor === undefined ? undefined : decodeCursor(q.cursor);
      if (q.cursor !== undefined && !key)
        throw invalid([{ field: 'cursor', message: 'is not a cursor this list returned' }]);
      const items: ReturnType<typeof nodeView>[] = [];
      let total = 0;
      let last: NodeEntry | undefined;
      let more = false;
      for (const e of s.allNodes()) {
        if (!passes(e, f) || (text && !searchable(e, text))) continue;
        total++;
        if (key && !after(e.record.name, e.record.id, key)) continue;
        if (items.length < limit) {
          items.push(nodeView(e));
          last = e;
        } else more = true;
      }
      return ok({
        items,
        total,
        ...(more && last ? { nextCursor: encodeCursor(last.record.name, last.record.id) } : {}),
      });
    },

    /** GET /:id — one node with specs, labels, load, state history and reason. */
    async getNode(req: SchemaRequest<RouteSchemas['getNode']>): Promise<PluginResponse> {
      const s = rt();
      const e = nodeOf(s, req);
      const stored = e.record.managedBy
        ? null
        : ((await s.ctx.ephemeral.get(SPECS_STORE, e.record.id).catch(() => null)) as {
            specs?: unknown;
          } | null);
      return ok(nodeView(e, { specs: stored?.specs ?? null }));
    },
  };
}
