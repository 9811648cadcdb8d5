import { httpError, invalid, type PluginRequest, type PluginResponse } from '@omega/sdk';
import type { ResourcesRuntime } from '../runtime.js';
import { applySettings } from '../settings/settings.js';
import { ok } from './http.js';

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

    /** PUT /settings { probe?, thresholds?, version? } */
    async putSettings(req: PluginRequest): Promise<PluginResponse> {
      const r = rt();
      const body = req.body;
      if (body === null || typeof body !== 'object' || Array.isArray(body))
        throw invalid([{ field: 'body', message: 'must be a JSON object' }]);
      const b = body as Record<string, unknown>;
      if (b.version !== undefined && (typeof b.version !== 'number' || !Number.isInteger(b.version)))
        throw invalid([{ field: 'version', message: 'must be the version you read (an integer)' }]);
      if (b.version !== undefined && b.version !== r.settings.version)
        throw httpError(
          409,
          'OMEGA_ERR_CONFLICT',
          `The settings are at version ${r.settings.version}, not ${b.version}: read them again and retry.`,
          {
            version: r.settings.version,
          },
        );
      const applied = applySettings(r.settings.current, b);
      if ('errors' in applied) throw invalid(applied.errors);
      const by = req.caller.name ?? req.caller.id ?? 'unknown';
      try {
        await r.settings.save(applied.settings, by, r.settings.version);
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
