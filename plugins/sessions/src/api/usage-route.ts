import type { PluginResponse, SchemaRequest } from '@omega/sdk';
import type { SessionUsage } from '../contract.js';
import { isTerminal } from '../lifecycle/states.js';
import type { SessionsRuntime } from '../runtime.js';
import { ok, sessionOf } from './http.js';
import { queryNode } from './node-query.js';
import type { routeSchemas } from './route-schemas.js';
import { sessionView } from './session-view.js';

/** Usage of one session. */
export function usageRoutes(rt: () => SessionsRuntime) {
  return {
    /**
     * GET /api/v1/sessions/:id/usage[?fresh=true] — CPU user/system seconds, throttled time,
     * memory current and peak, tasks: the newest 1 s sample (or a fresh one from the node), the
     * final one once ended. History: the metrics plugin's series `session.*{session="<id>"}`.
     */
    async sessionUsage(req: SchemaRequest<typeof routeSchemas.sessionUsage>): Promise<PluginResponse> {
      const s = rt();
      const r = sessionOf(s, req);
      let usage: SessionUsage | undefined = sessionView(s, r, req).status.usage;
      if (req.query.fresh === 'true' && !isTerminal(r.status.state) && r.status.placement)
        usage = ((await queryNode(s, r, 'session.usage', {}, 15_000)) as SessionUsage | null) ?? usage;
      return ok({
        id: r.id,
        state: r.status.state,
        usage: usage ?? null,
        peakMemoryBytes: Math.max(usage?.memoryPeakBytes ?? 0, r.status.peakMemoryBytes ?? 0) || null,
        limits: {
          memoryBytes: r.spec.resources.memoryBytes,
          cores: r.spec.resources.cores ?? null,
          millicores: r.spec.resources.millicores ?? null,
        },
        series: `session.cpu_seconds{session="${r.id}"}`,
      });
    },
  };
}
