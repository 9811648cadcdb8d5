import { actorOf, invalid, type PluginResponse, type SchemaRequest, settingsWriteBody } from '@omega/sdk';
import { DEFAULT_SETTINGS, mergeSettings } from '../liveness/liveness-settings.js';
import type { NodesRuntime } from '../runtime.js';
import { ok } from './http.js';
import type { routeSchemas } from './route-schemas.js';

type RouteSchemas = typeof routeSchemas;

function settingsView(s: NodesRuntime) {
  return {
    id: 'liveness',
    version: s.settings.version,
    spec: s.settings.current,
    status: {
      defaults: DEFAULT_SETTINGS,
      nodes: s.registry.size,
      gateway: s.stats,
      commands: { ...s.commands.stats, pending: s.commands.pending },
      events: { ...s.out.stats, backlog: s.out.backlog },
      live: s.live.stats,
      loads: s.loads.stats,
      writeFailures: s.registry.writeFailures,
      writesWaitingPeak: s.writes.peakWaiting,
      timings: s.timings.work,
    },
    ...(s.settings.updatedAt ? { updatedAt: s.settings.updatedAt } : {}),
    ...(s.settings.updatedBy ? { updatedBy: s.settings.updatedBy } : {}),
  };
}

/** The liveness bounds and the plugin's counters. */
export function settingsRoutes(rt: () => NodesRuntime) {
  return {
    /** GET /settings — the bounds in force, the defaults, and counters. */
    async getSettings(): Promise<PluginResponse> {
      return ok(settingsView(rt()));
    },

    /** PUT /settings {suspectAfterMs?, downAfterMs?, closedGraceMs?, loadPublishMs?, historyMax?, version?} */
    async putSettings(req: SchemaRequest<RouteSchemas['putSettings']>): Promise<PluginResponse> {
      const s = rt();
      const body = settingsWriteBody(req, s.settings);
      const merged = mergeSettings(s.settings.current, body);
      if ('errors' in merged) throw invalid(merged.errors);
      const actor = actorOf(req);
      const before = s.settings.current;
      await s.settings.save(merged.settings, actor.name);
      s.rescheduleAll(); // new bounds move every node's next judgement
      s.events.audit({
        actor: actor.id,
        action: 'settings.update',
        outcome: 'success',
        target: 'settings liveness',
        ...(actor.source ? { source: actor.source } : {}),
        details: { before, after: merged.settings },
      });
      return ok(settingsView(s));
    },
  };
}
