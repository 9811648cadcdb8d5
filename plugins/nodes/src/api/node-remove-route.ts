import type { PluginResponse, SchemaRequest } from '@omega/sdk';
import { actorOf } from '@omega/sdk';
import type { NodesRuntime } from '../runtime.js';
import { ok } from './http.js';
import { ownNodeOf } from './node-read-routes.js';
import type { routeSchemas } from './route-schemas.js';

type RouteSchemas = typeof routeSchemas;

/** The remove route: revokes a node's identity. */
export function nodeRemoveRoute(rt: () => NodesRuntime) {
  return {
    /**
     * DELETE /:id ?reason= — removes the node and revokes its identity: its session is closed
     * (`ctx.agents.disconnect`), its key is refused from then on (a later resume or join with
     * it), its pending commands fail.
     */
    async removeNode(req: SchemaRequest<RouteSchemas['removeNode']>): Promise<PluginResponse> {
      const s = rt();
      const e = ownNodeOf(s, req);
      // The kernel checked the reason's length (≤ 512).
      const reason = (req.query.reason ?? '').trim() || 'removed by an operator';
      const actor = actorOf(req);
      const r = e.record;
      const tomb = await s.registry.remove(e, actor.name, reason);
      const disconnected = await s.ctx.agents
        .disconnect(r.id, `node removed: ${reason}`.slice(0, 256))
        .catch(() => false);
      s.commands.dropNode(r.id);
      s.slurm.dropHost(r.id);
      s.loads.drop(r.id);
      await s.live.drop(r.id);
      r.reason = `removed by ${actor.name}: ${reason}`;
      r.since = tomb.removedAt;
      s.events.change('removed', r);
      s.events.audit({
        actor: actor.id,
        action: 'remove',
        outcome: 'success',
        target: r.id,
        ...(actor.source ? { source: actor.source } : {}),
        details: { name: r.name, reason, fingerprint: r.fingerprint, disconnected },
      });
      return ok({ id: r.id, name: r.name, removed: tomb, disconnected });
    },
  };
}
