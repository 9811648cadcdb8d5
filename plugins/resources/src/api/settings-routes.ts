import {
  actorOf,
  invalid,
  type PluginResponse,
  type SchemaRequest,
  settingsWriteBody,
  versionConflict,
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
      const based = r.settings.version;
      try {
        await r.settings.save(applied.settings, actorOf(req).name, based);
      } catch (err) {
        // Another write landed between the check above and this one: the sdk's settings conflict.
        const e = err as { code?: string; extras?: { actual?: unknown } };
        // (another write landed, so the settings are past `based` even when the error does not say where)
        if (e?.code === 'OMEGA_ERR_CONFLICT')
          throw versionConflict(
            Math.max(typeof e.extras?.actual === 'number' ? e.extras.actual : r.settings.version, based + 1),
            based,
          );
        throw err;
      }
      r.settingsChanged();
      return ok(view(r));
    },
  };
}
