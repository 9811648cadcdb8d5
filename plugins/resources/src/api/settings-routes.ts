import { actorOf, httpError, invalid, type PluginResponse, type SchemaRequest } from '@omega/sdk';
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
      const b = req.body;
      // The schema's guarantee, kept as a guard for a kernel that predates route schemas.
      if (b === null || typeof b !== 'object' || Array.isArray(b))
        throw invalid([{ field: 'body', message: 'must be a JSON object' }]);
      if (b.version !== undefined && b.version !== r.settings.version)
        throw httpError(
          409,
          'OMEGA_ERR_CONFLICT',
          `The settings are at version ${r.settings.version}, not ${b.version}: read them again and retry.`,
          {
            version: r.settings.version,
          },
        );
      const applied = applySettings(r.settings.current, b as Record<string, unknown>);
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
