import {
  actorOf,
  httpError,
  invalid,
  type PluginResponse,
  type SchemaRequest,
  settingsWriteBody,
} from '@omega/sdk';
import type { ResourcesRuntime } from '../runtime.js';
import { applySettings } from '../settings/settings.js';
import { ok } from './http.js';
import type { routeSchemas } from './route-schemas.js';

/** GET and PUT /settings: probe settings and problem thresholds, versioned. */
export function settingsRoutes(rt: () => ResourcesRuntime) {
  const view = (r: ResourcesRuntime) => ({
    ...r.settings.current,
    version: r.settings.version,
    ...(r.settings.updatedAt ? { updatedAt: r.settings.updatedAt } : {}),
    ...(r.settings.updatedBy ? { updatedBy: r.settings.updatedBy } : {}),
    stats: { ...r.stats, plans: { ...r.plans.stats }, nodes: r.directory.size },
  });
  return {
    /** GET /settings */
    async getSettings(): Promise<PluginResponse> {
      return ok(view(rt()));
    },

    /** PUT /settings { probe?, thresholds?, version? } — the kernel checked the body against its schema. */
    async putSettings(req: SchemaRequest<typeof routeSchemas.putSettings>): Promise<PluginResponse> {
      const r = rt();
      // The schema already checked the body; this also guards a kernel that predates route schemas.
      const b = settingsWriteBody(req, r.settings);
      const applied = applySettings(r.settings.current, b);
      if ('errors' in applied) throw invalid(applied.errors);
      try {
        await r.settings.save(applied.settings, actorOf(req).name, r.settings.version);
      } catch (err) {
        if ((err as { code?: string })?.code === 'OMEGA_ERR_CONFLICT')
          throw httpError(
            409,
            'OMEGA_ERR_CONFLICT',
            'The settings changed meanwhile: read them again and retry.',
          );
        throw err;
      }
      r.settingsChanged();
      return ok(view(r));
    },
  };
}
