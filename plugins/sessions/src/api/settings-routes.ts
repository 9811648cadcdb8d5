import { actorOf, invalid, type PluginResponse, type SchemaRequest, settingsWriteBody } from '@omega/sdk';
import type { SessionsRuntime } from '../runtime.js';
import { DEFAULT_SETTINGS, mergeSettings, SETTING_RANGES } from '../settings/sessions-settings.js';
import { ok } from './http.js';
import type { routeSchemas } from './route-schemas.js';

function settingsView(s: SessionsRuntime) {
  const st = s.settingsStore;
  return {
    id: 'sessions',
    version: st.version,
    settings: { ...st.current },
    defaults: DEFAULT_SETTINGS,
    ranges: SETTING_RANGES,
    ...(st.updatedAt ? { updatedAt: st.updatedAt } : {}),
    ...(st.updatedBy ? { updatedBy: st.updatedBy } : {}),
  };
}

/** The plugin's settings: placement default, lost-after-left, retention, terminate grace (admins). */
export function settingsRoutes(rt: () => SessionsRuntime) {
  return {
    /** GET /api/v1/sessions/settings — the settings in force, the defaults and the allowed ranges. */
    async getSettings(): Promise<PluginResponse> {
      return ok(settingsView(rt()));
    },

    /**
     * PATCH /api/v1/sessions/settings {placement?, leftLostAfterMs?, retentionMs?, defaultGraceMs?, version?}
     * — durations as ms or `10m`/`7d`; every bad field named (the kernel checks each field's type
     * and form, mergeSettings the range of a duration text); audited with before and after.
     */
    async patchSettings(req: SchemaRequest<typeof routeSchemas.patchSettings>): Promise<PluginResponse> {
      const s = rt();
      const st = s.settingsStore;
      const body = settingsWriteBody(req, st);
      if (Object.keys(body).every((k) => k === 'version'))
        throw invalid([{ field: 'body', message: 'name at least one setting to change' }]);
      const merged = mergeSettings(st.current, body);
      if ('errors' in merged) throw invalid(merged.errors);
      const actor = actorOf(req);
      const before = { ...st.current };
      await st.save(merged.settings, actor.name, st.version);
      s.events.audit({
        actor: actor.id,
        action: 'settings-set',
        outcome: 'success',
        target: 'settings',
        ...(actor.source ? { source: actor.source } : {}),
        details: { before, after: merged.settings },
      });
      s.log('info', 'sessions settings changed', { by: actor.id, before, after: merged.settings });
      return ok(settingsView(s));
    },
  };
}
