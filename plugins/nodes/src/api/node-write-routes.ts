import {
  type Actor,
  actorOf,
  httpError,
  isoTime,
  type PluginRequest,
  type PluginResponse,
  type SchemaRequest,
} from '@omega/sdk';
import type { NodeChange, NodeEvent, NodeHold } from '../contract.js';
import { labelProblems, patchLabels } from '../registry/labels.js';
import type { HoldChange, NodeEntry } from '../registry/node-record.js';
import type { NodesRuntime } from '../runtime.js';
import { bodyObject, check, checkVersion, deadlineOf, ok, reasonOf } from './http.js';
import { ownNodeOf } from './node-read-routes.js';
import { nodeView } from './node-view.js';
import type { routeSchemas } from './route-schemas.js';

type RouteSchemas = typeof routeSchemas;

/** Records an operator's change of a node's spec: version, durable write, event, audit. */
async function commit(
  s: NodesRuntime,
  e: NodeEntry,
  change: NodeChange,
  actor: Actor,
  details: Record<string, unknown>,
  extra: Pick<NodeEvent, 'hold' | 'labels'>,
): Promise<PluginResponse> {
  e.record.specVersion++;
  if (change !== 'labels' && extra.hold)
    s.registry.recordHold(e, change as HoldChange, extra.hold.reason, actor.name, extra.hold.at);
  await s.registry.save(e);
  s.events.change(change, e.record, undefined, extra);
  s.events.audit({
    actor: actor.id,
    action:
      change === 'labels'
        ? 'label'
        : change === 'uncordoned'
          ? 'uncordon'
          : change === 'draining'
            ? 'drain'
            : 'cordon',
    outcome: 'success',
    target: e.record.id,
    ...(actor.source ? { source: actor.source } : {}),
    details: { name: e.record.name, ...details },
  });
  return ok(nodeView(e));
}

function hold(req: PluginRequest, body: Record<string, unknown>): NodeHold {
  const actor = actorOf(req);
  const reason = reasonOf(body) as string;
  const deadline = deadlineOf(body, Date.now());
  return { by: actor.name, reason, at: isoTime(Date.now()), ...(deadline ? { deadline } : {}) };
}

/** The operator's writes: labels, cordon, drain, uncordon. */
export function nodeWriteRoutes(rt: () => NodesRuntime) {
  return {
    /** PATCH /:id {labels: {k: v | null}, version?} — a merge patch of the labels. */
    async patchNode(req: SchemaRequest<RouteSchemas['patchNode']>): Promise<PluginResponse> {
      const s = rt();
      const e = ownNodeOf(s, req);
      // The kernel checked the body: labels only (cordon, drain, uncordon have their own routes),
      // each key and value well-formed; the count of labels (≤ 64) is checked here.
      const body = req.body;
      checkVersion(body, e.record.specVersion, `Node ${e.record.id}`);
      check(labelProblems(body.labels, 'labels', true));
      const next = patchLabels(e.record.labels, body.labels);
      check(labelProblems(next, 'labels'));
      const before = e.record.labels;
      e.record.labels = next;
      return commit(s, e, 'labels', actorOf(req), { before, after: next }, { labels: next });
    },

    /** POST /:id/cordon {reason, deadline?, version?} — no new work; a deadline ends the cordon by itself. */
    async cordonNode(req: SchemaRequest<RouteSchemas['cordonNode']>): Promise<PluginResponse> {
      const s = rt();
      const e = ownNodeOf(s, req);
      const body = bodyObject(req);
      checkVersion(body, e.record.specVersion, `Node ${e.record.id}`);
      const h = hold(req, body);
      e.record.cordon = h;
      s.schedule(e); // its deadline, if any, is judged by the sweep
      return commit(
        s,
        e,
        'cordoned',
        actorOf(req),
        { reason: h.reason, ...(h.deadline ? { deadline: h.deadline } : {}) },
        { hold: h },
      );
    },

    /** POST /:id/drain {reason, deadline?, version?} — cordoned, and its work should leave (by the deadline). */
    async drainNode(req: SchemaRequest<RouteSchemas['drainNode']>): Promise<PluginResponse> {
      const s = rt();
      const e = ownNodeOf(s, req);
      const body = bodyObject(req);
      checkVersion(body, e.record.specVersion, `Node ${e.record.id}`);
      const h = hold(req, body);
      e.record.drain = h;
      if (!e.record.cordon) e.record.cordon = { by: h.by, reason: h.reason, at: h.at };
      s.schedule(e);
      return commit(
        s,
        e,
        'draining',
        actorOf(req),
        { reason: h.reason, ...(h.deadline ? { deadline: h.deadline } : {}) },
        { hold: h },
      );
    },

    /** POST /:id/uncordon {reason, version?} — schedulable again (ends a drain too). */
    async uncordonNode(req: SchemaRequest<RouteSchemas['uncordonNode']>): Promise<PluginResponse> {
      const s = rt();
      const e = ownNodeOf(s, req);
      const body = bodyObject(req);
      checkVersion(body, e.record.specVersion, `Node ${e.record.id}`);
      const reason = reasonOf(body) as string;
      if (!e.record.cordon && !e.record.drain)
        throw httpError(409, 'OMEGA_ERR_CONFLICT', `Node ${e.record.id} is not cordoned or draining.`);
      delete e.record.cordon;
      delete e.record.drain;
      const actor = actorOf(req);
      return commit(
        s,
        e,
        'uncordoned',
        actor,
        { reason },
        { hold: { by: actor.name, reason, at: isoTime(Date.now()) } },
      );
    },
  };
}
